package ollama

import (
	"encoding/json"
	"time"
)

// The types below are Ollama's API messages, field for field, as far as
// odbench reads or writes them; `odbench serve` answers with the same types.

// Options are a request's model options.
type Options struct {
	NumPredict  int      `json:"num_predict,omitempty"` // tokens to generate
	NumCtx      int      `json:"num_ctx,omitempty"`     // context length; another value reloads the model
	NumThread   int      `json:"num_thread,omitempty"`
	Seed        int64    `json:"seed,omitempty"`
	Temperature *float32 `json:"temperature,omitempty"` // nil: the server's default (0.8)
	TopK        int      `json:"top_k,omitempty"`
	TopP        float32  `json:"top_p,omitempty"`
}

// GenerateRequest is the body of POST /api/generate.
type GenerateRequest struct {
	Model     string   `json:"model"`
	Prompt    string   `json:"prompt"`
	System    string   `json:"system,omitempty"`
	Raw       bool     `json:"raw,omitempty"`        // the prompt goes to the model as is, without the template
	Stream    *bool    `json:"stream,omitempty"`     // nil: true`
	KeepAlive string   `json:"keep_alive,omitempty"` // "10m": keep the model loaded that long
	Options   Options  `json:"options"`
	Context   []int    `json:"context,omitempty"`
	Images    []string `json:"images,omitempty"`
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // system, user, assistant
	Content string `json:"content"`
}

// ChatRequest is the body of POST /api/chat.
type ChatRequest struct {
	Model     string    `json:"model"`
	Messages  []Message `json:"messages"`
	Stream    *bool     `json:"stream,omitempty"` // nil: true
	KeepAlive string    `json:"keep_alive,omitempty"`
	Options   Options   `json:"options"`
}

// Chunk is one NDJSON line of a streamed /api/generate or /api/chat
// answer (or the whole answer without streaming). The last one has Done
// set and carries the counts and durations, nanoseconds.
type Chunk struct {
	Model              string          `json:"model"`
	CreatedAt          time.Time       `json:"created_at"`
	Response           string          `json:"response,omitempty"` // /api/generate
	Message            *Message        `json:"message,omitempty"`  // /api/chat
	Done               bool            `json:"done"`
	DoneReason         string          `json:"done_reason,omitempty"` // "stop", "length"
	TotalDuration      int64           `json:"total_duration,omitempty"`
	LoadDuration       int64           `json:"load_duration,omitempty"`
	PromptEvalCount    int             `json:"prompt_eval_count,omitempty"`
	PromptEvalDuration int64           `json:"prompt_eval_duration,omitempty"`
	EvalCount          int             `json:"eval_count,omitempty"`
	EvalDuration       int64           `json:"eval_duration,omitempty"`
	Error              json.RawMessage `json:"error,omitempty"`
}

// Details describe a model in /api/show, /api/tags and /api/ps.
type Details struct {
	ParentModel       string   `json:"parent_model"`
	Format            string   `json:"format"` // "gguf"
	Family            string   `json:"family"`
	Families          []string `json:"families"`
	ParameterSize     string   `json:"parameter_size"`     // "1.2B"
	QuantizationLevel string   `json:"quantization_level"` // "Q4_K_M"
}

// ShowResponse is the answer of POST /api/show. ModelInfo holds the GGUF
// metadata (numbers as JSON numbers).
type ShowResponse struct {
	License      string         `json:"license,omitempty"`
	Modelfile    string         `json:"modelfile"`
	Parameters   string         `json:"parameters"`
	Template     string         `json:"template"`
	Details      Details        `json:"details"`
	ModelInfo    map[string]any `json:"model_info"`
	Capabilities []string       `json:"capabilities,omitempty"`
	ModifiedAt   time.Time      `json:"modified_at"`
}

// ModelEntry is one model in /api/tags and /api/ps.
type ModelEntry struct {
	Name       string     `json:"name"`
	Model      string     `json:"model"`
	ModifiedAt *time.Time `json:"modified_at,omitempty"` // /api/tags
	Size       uint64     `json:"size"`
	Digest     string     `json:"digest"`
	Details    Details    `json:"details"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"` // /api/ps
	SizeVRAM   uint64     `json:"size_vram,omitempty"`  // /api/ps: bytes in GPU memory
}

// TagsResponse is the answer of GET /api/tags.
type TagsResponse struct {
	Models []ModelEntry `json:"models"`
}

// PsResponse is the answer of GET /api/ps.
type PsResponse struct {
	Models []ModelEntry `json:"models"`
}

// VersionResponse is the answer of GET /api/version.
type VersionResponse struct {
	Version string `json:"version"`
}
