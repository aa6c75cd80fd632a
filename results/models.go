package results

// ModelsSchema identifies the document `odbench models --json` prints ("odbench/models/v1").
var ModelsSchema = Schema("models")

// Models lists the GGUF models found on this machine.
type Models struct {
	Schema string `json:"schema"`
	// Searched are the folders looked in, existing or not, by store.
	Searched []SearchedRoot `json:"searched"`
	Models   []LocalModel   `json:"models"`
	// Warnings say what could not be read (a store's folder, a manifest).
	Warnings []string `json:"warnings,omitempty"`
}

// SearchedRoot is one folder a store was looked for in.
type SearchedRoot struct {
	Source string `json:"source"` // ollama, lmstudio, hf, llamacpp, dir
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
}

// LocalModel is one GGUF file on disk.
type LocalModel struct {
	// Name is what --model takes for it: "ollama:llama3.2:1b",
	// "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
	// "lmstudio:publisher/repo/file.gguf", "llamacpp:file.gguf", or the path.
	Name      string `json:"name"`
	Source    string `json:"source"`
	Path      string `json:"path"` // the file (a blob for Ollama and the Hugging Face cache)
	SizeBytes int64  `json:"size_bytes"`
	// Architecture, FileType (quantization, e.g. "Q4_K_M") and Parameters
	// come from the GGUF header; empty when it could not be read (Error says why).
	Architecture string `json:"architecture,omitempty"`
	FileType     string `json:"file_type,omitempty"`
	Parameters   int64  `json:"parameters,omitempty"`
	Error        string `json:"error,omitempty"`
}
