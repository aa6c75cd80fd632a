package results

// RemoteBench is the bench document of an HTTP runner (ollama, openai): the
// common odbench/bench/v1 document whose results carry, beside the common
// fields, what only a server measurement has. Its JSON is a bench/v1
// document with an extra "remote" object in every result, so readers of
// bench/v1 read it unchanged.
type RemoteBench struct {
	Bench
	// Results shadow Bench.Results in JSON; Common copies their common part.
	Results []RemoteResult `json:"results"`
}

// Common returns the plain bench document (for the report renderers): the
// same header with the common part of every result.
func (b *RemoteBench) Common() *Bench {
	doc := b.Bench
	doc.Results = make([]BenchResult, len(b.Results))
	for i, r := range b.Results {
		doc.Results[i] = r.BenchResult
	}
	return &doc
}

// RemoteResult is one test against a server: the common row, whose avg_ts
// and samples are per stream and timed on the client, and the server
// figures beside it.
type RemoteResult struct {
	BenchResult
	Remote RemoteStats `json:"remote"`
}

// RemoteStats are the figures of a test that only a measurement over HTTP
// has. Latencies are client-side, milliseconds, over every request (and
// stream) of every repetition.
type RemoteStats struct {
	Endpoint string `json:"endpoint"` // the server's base URL
	API      string `json:"api"`      // "ollama/generate", "ollama/chat", "openai/completions", "openai/chat"
	// Parallel is the number of streams run at once in each repetition.
	Parallel int `json:"parallel"`
	// AggregateTs is the mean over repetitions of all streams' tokens
	// (n_prompt + n_gen each) ÷ the repetition's wall time, tokens/s.
	AggregateTs float64 `json:"aggregate_ts"`
	// StreamTs is every stream's tokens/s, repetition by repetition.
	StreamTs []float64 `json:"stream_ts"`
	// TTFT is from sending a request to receiving its first token.
	TTFT Percentiles `json:"ttft_ms"`
	// ITL is the time between two consecutive streamed tokens; absent when
	// no request streamed two tokens.
	ITL *Percentiles `json:"itl_ms,omitempty"`
	// PromptTokens is the mean prompt length the server reported (it may
	// differ from n_prompt by a few tokens when the prompt was sized by
	// calibration); 0 when the server reports none.
	PromptTokens float64 `json:"prompt_tokens"`
	// PromptSizing is "tokenizer" (counted with the model's own tokenizer)
	// or "calibrated" (scaled from the server's counts of probe prompts).
	PromptSizing string `json:"prompt_sizing"`
	// EarlyStops counts requests where the server stopped (end of
	// generation) before n_gen tokens; their durations were scaled to
	// n_gen from the tokens they did generate.
	EarlyStops int `json:"early_stops,omitempty"`
	// ServerMs are the means of the server's own durations, milliseconds,
	// by the server's field names (Ollama: total_duration, load_duration,
	// prompt_eval_duration, eval_duration; llama-server's timings as prompt_duration, predicted_duration).
	ServerMs map[string]float64 `json:"server_ms,omitempty"`
	// ServerPromptTs and ServerGenTs are the server's own tokens/s of
	// prompt evaluation and of generation, from its counts and durations;
	// 0 when it reports none.
	ServerPromptTs float64 `json:"server_prompt_ts,omitempty"`
	ServerGenTs    float64 `json:"server_gen_ts,omitempty"`
	// VRAMBytes is the model's size in GPU memory as the server reports it
	// (Ollama's /api/ps size_vram); 0 when unknown.
	VRAMBytes uint64 `json:"vram_bytes,omitempty"`
}

// Percentiles summarize a latency distribution, milliseconds.
type Percentiles struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}
