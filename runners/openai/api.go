package openai

import "encoding/json"

// The types below are the OpenAI API's messages as far as odbench reads or
// writes them, with the common extensions of local servers (llama-server's
// ignore_eos and timings); `odbench serve` answers with the same types.

// StreamOptions ask for a last chunk with the usage.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// CompletionRequest is the body of POST /v1/completions. Prompt is a
// string, or (on servers that take them) an array of token ids.
type CompletionRequest struct {
	Model         string          `json:"model"`
	Prompt        json.RawMessage `json:"prompt"`
	MaxTokens     *int            `json:"max_tokens,omitempty"`
	Temperature   *float32        `json:"temperature,omitempty"`
	TopP          *float32        `json:"top_p,omitempty"`
	Seed          *uint64         `json:"seed,omitempty"`
	Stream        bool            `json:"stream"`
	StreamOptions *StreamOptions  `json:"stream_options,omitempty"`
	IgnoreEOS     bool            `json:"ignore_eos,omitempty"` // llama-server, vLLM: generate max_tokens whatever comes
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is the body of POST /v1/chat/completions.
type ChatRequest struct {
	Model         string         `json:"model"`
	Messages      []Message      `json:"messages"`
	MaxTokens     *int           `json:"max_tokens,omitempty"`
	Temperature   *float32       `json:"temperature,omitempty"`
	TopP          *float32       `json:"top_p,omitempty"`
	Seed          *uint64        `json:"seed,omitempty"`
	Stream        bool           `json:"stream"`
	StreamOptions *StreamOptions `json:"stream_options,omitempty"`
	IgnoreEOS     bool           `json:"ignore_eos,omitempty"`
}

// Delta is the new part of a streamed chat message.
type Delta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

// Choice is one choice of a (streamed) answer: Text for completions,
// Delta (streamed) or Message (whole) for chat.
type Choice struct {
	Index        int      `json:"index"`
	Text         *string  `json:"text,omitempty"`
	Delta        *Delta   `json:"delta,omitempty"`
	Message      *Message `json:"message,omitempty"`
	FinishReason *string  `json:"finish_reason"` // "length", "stop"; null while streaming
}

// Usage counts a request's tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Timings are llama-server's own durations of a request, milliseconds.
type Timings struct {
	PromptN     int     `json:"prompt_n"`
	PromptMs    float64 `json:"prompt_ms"`
	PredictedN  int     `json:"predicted_n"`
	PredictedMs float64 `json:"predicted_ms"`
}

// Chunk is one streamed event (the JSON after "data: "), or a whole answer.
type Chunk struct {
	ID      string          `json:"id"`
	Object  string          `json:"object"` // "text_completion", "chat.completion.chunk", "chat.completion"
	Created int64           `json:"created"`
	Model   string          `json:"model"`
	Choices []Choice        `json:"choices"`
	Usage   *Usage          `json:"usage,omitempty"`
	Timings *Timings        `json:"timings,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// ModelMeta is llama-server's description of a model in /v1/models.
type ModelMeta struct {
	NVocab    int    `json:"n_vocab"`
	NCtxTrain int    `json:"n_ctx_train"`
	NEmbd     int    `json:"n_embd"`
	NParams   uint64 `json:"n_params"`
	Size      uint64 `json:"size"`
}

// ModelEntry is one model of GET /v1/models.
type ModelEntry struct {
	ID      string     `json:"id"`
	Object  string     `json:"object"` // "model"
	Created int64      `json:"created"`
	OwnedBy string     `json:"owned_by"`
	Meta    *ModelMeta `json:"meta,omitempty"`
}

// ModelList is the answer of GET /v1/models.
type ModelList struct {
	Object string       `json:"object"` // "list"
	Data   []ModelEntry `json:"data"`
}
