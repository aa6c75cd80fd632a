package results

// InspectSchema identifies an inspect document ("odbench/inspect/v1").
var InspectSchema = Schema("inspect")

// Inspect is what `odbench inspect FILE --json` prints: the facts about a
// GGUF model file that decide whether and how fast it runs. Counts of
// bytes are bytes; fields read from metadata are absent (0 or "") when the
// file does not carry them.
type Inspect struct {
	Schema        string `json:"schema"`
	Path          string `json:"path"`
	FileBytes     int64  `json:"file_bytes"`
	GGUFVersion   uint32 `json:"gguf_version"`
	Alignment     uint64 `json:"alignment"`
	MetadataCount int    `json:"metadata_count"`
	TensorCount   int    `json:"tensor_count"`

	Architecture string `json:"architecture"`
	Name         string `json:"name,omitempty"` // general.name
	// FileType is general.file_type by llama-quantize's name ("Q4_K_M"),
	// "filetype(N)" for an unknown id, "" when absent.
	FileType string `json:"file_type,omitempty"`
	// Parameters is the number of elements of all tensors.
	Parameters int64 `json:"parameters"`
	// TensorBytes is the bytes of all tensor data, without alignment padding.
	TensorBytes int64 `json:"tensor_bytes"`
	// BitsPerWeight is TensorBytes*8/Parameters.
	BitsPerWeight float64 `json:"bits_per_weight"`
	// Types breaks the tensors down by ggml type, most bytes first.
	Types []InspectType `json:"types"`

	Model     InspectModel      `json:"model"`
	Tokenizer *InspectTokenizer `json:"tokenizer,omitempty"`
	RoPE      *InspectRoPE      `json:"rope,omitempty"`
}

// InspectType is the share of one ggml type in a model file.
type InspectType struct {
	Type          string  `json:"type"` // ggml type name: Q4_K, F32, ...
	Tensors       int     `json:"tensors"`
	Elements      int64   `json:"elements"`
	Bytes         int64   `json:"bytes"`
	Share         float64 `json:"share"`           // of TensorBytes, 0..1
	BitsPerWeight float64 `json:"bits_per_weight"` // of the type itself
}

// InspectModel holds the architecture's hyperparameters ("<arch>.*" keys).
// Per-layer arrays report their largest value.
type InspectModel struct {
	ContextLength     uint64 `json:"context_length,omitempty"`   // tokens the model was trained for
	EmbeddingLength   uint64 `json:"embedding_length,omitempty"` // n_embd
	BlockCount        uint64 `json:"block_count,omitempty"`      // layers
	HeadCount         uint64 `json:"head_count,omitempty"`
	HeadCountKV       uint64 `json:"head_count_kv,omitempty"`
	KeyLength         uint64 `json:"key_length,omitempty"`   // head size of K (and Q)
	ValueLength       uint64 `json:"value_length,omitempty"` // head size of V
	FeedForwardLength uint64 `json:"feed_forward_length,omitempty"`
	ExpertCount       uint64 `json:"expert_count,omitempty"`
	ExpertUsedCount   uint64 `json:"expert_used_count,omitempty"`
	VocabSize         uint64 `json:"vocab_size,omitempty"`
}

// InspectTokenizer describes the tokenizer stored in the file.
type InspectTokenizer struct {
	Model        string `json:"model"`         // tokenizer.ggml.model: llama (SentencePiece), gpt2 (byte-level BPE), ...
	Pre          string `json:"pre,omitempty"` // tokenizer.ggml.pre: llama-bpe, qwen2, ...
	Tokens       int    `json:"tokens"`        // entries of tokenizer.ggml.tokens
	Merges       int    `json:"merges,omitempty"`
	ChatTemplate bool   `json:"chat_template"` // tokenizer.chat_template present
}

// InspectRoPE holds the rotary position embedding settings.
type InspectRoPE struct {
	DimensionCount        uint64  `json:"dimension_count,omitempty"`
	FreqBase              float64 `json:"freq_base,omitempty"`
	ScalingType           string  `json:"scaling_type,omitempty"` // none, linear, yarn, longrope
	ScalingFactor         float64 `json:"scaling_factor,omitempty"`
	OriginalContextLength uint64  `json:"original_context_length,omitempty"`
	// FreqFactors is true when the file carries a rope_freqs tensor (Llama 3.1-style scaling).
	FreqFactors bool `json:"freq_factors,omitempty"`
}
