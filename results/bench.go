package results

import "time"

// BenchSchema identifies a bench document ("odbench/bench/v1").
var BenchSchema = Schema("bench")

// Bench is the document `odbench bench --json` prints and `--save` writes,
// schema odbench/bench/v1 (results/schema/bench.v1.json). Each result is one
// test (pp, tg or pg, at one depth) with one set of options, as one row of
// llama-bench's output. JSONL output writes the results alone, one per line.
type Bench struct {
	Schema    string    `json:"schema"`
	CreatedAt time.Time `json:"created_at"`
	// Device is the profile whose bandwidth and FLOP/s gave the ceilings;
	// nil when none was known (the ceilings are then absent).
	Device *Device `json:"device,omitempty"`
	// Interrupted is true when Ctrl-C stopped the run: Results then hold
	// the repetitions finished before it.
	Interrupted bool `json:"interrupted,omitempty"`
	// Notes explain what is missing or approximate, one sentence each
	// (no energy counter, no device profile, ...).
	Notes   []string      `json:"notes,omitempty"`
	Results []BenchResult `json:"results"`
}

// BenchResult is one test with one set of options. Fields named as in
// llama-bench's JSON keep its names and units; the rest are odbench's.
type BenchResult struct {
	// Runner is the engine: native, llamacpp, ollama, openai.
	Runner string `json:"runner"`
	// Test is the test's name in llama-bench's notation: "pp512", "tg128",
	// "pp512+tg128", with " @ d4096" appended at a depth.
	Test string `json:"test"`

	ModelFilename string `json:"model_filename"`
	ModelType     string `json:"model_type"`     // runner's description, e.g. "llama 1B Q4_0"
	ModelSize     uint64 `json:"model_size"`     // bytes of all tensors
	ModelNParams  uint64 `json:"model_n_params"` // number of weights
	NBatch        int    `json:"n_batch"`        // logical batch, tokens
	NUBatch       int    `json:"n_ubatch"`       // physical batch, tokens
	NThreads      int    `json:"n_threads"`
	TypeK         string `json:"type_k"` // KV cache K type: f16, q8_0
	TypeV         string `json:"type_v"` // KV cache V type
	NGPULayers    int    `json:"n_gpu_layers"`
	FlashAttn     bool   `json:"flash_attn"`
	UseMmap       bool   `json:"use_mmap"`
	NPrompt       int    `json:"n_prompt"` // prompt tokens processed in one batch
	NGen          int    `json:"n_gen"`    // tokens generated one at a time
	NDepth        int    `json:"n_depth"`  // tokens in the KV cache before the timed region
	// TestTime is when the test started (RFC 3339).
	TestTime time.Time `json:"test_time"`
	// AvgNs and StddevNs are the mean and sample standard deviation of the
	// timed region's duration over the repetitions, nanoseconds.
	AvgNs    uint64 `json:"avg_ns"`
	StddevNs uint64 `json:"stddev_ns"`
	// AvgTs and StddevTs are the mean and sample standard deviation of
	// tokens per second ((n_prompt + n_gen) ÷ duration of each repetition).
	AvgTs     float64   `json:"avg_ts"`
	StddevTs  float64   `json:"stddev_ts"`
	SamplesNs []uint64  `json:"samples_ns"` // one per repetition
	SamplesTs []float64 `json:"samples_ts"` // one per repetition

	// Repetitions is how many repetitions finished (fewer than asked when interrupted).
	Repetitions int `json:"repetitions"`
	// TTFTMs is the mean time to first token, milliseconds: from the start
	// of prompt processing to the first generated token (prompt evaluation
	// plus one greedy sample), on tests with a prompt; the depth fill is not
	// in it. Absent on tg tests.
	TTFTMs float64 `json:"ttft_ms,omitempty"`
	// LoadMs is the model's load time, milliseconds.
	LoadMs float64 `json:"load_ms"`
	// PeakRSSBytes is the process's peak resident set size after the test, bytes.
	PeakRSSBytes uint64 `json:"peak_rss_bytes"`
	// GPUMemBytes is the GPU memory the runner reports holding; absent when unknown.
	GPUMemBytes uint64 `json:"gpu_mem_bytes,omitempty"`
	// CeilingTs is the physical limit of tokens/s for this test on the device
	// (DESIGN.md: decode = bandwidth ÷ bytes per token, prefill = FLOP/s ÷
	// FLOPs per token); CeilingShare = avg_ts ÷ ceiling_ts. Absent without a device profile.
	CeilingTs    float64 `json:"ceiling_ts,omitempty"`
	CeilingShare float64 `json:"ceiling_share,omitempty"`
	// JoulesPerToken is the energy of the timed region per token, from
	// EnergySource ("rapl", "battery"); absent where the machine exposes none.
	JoulesPerToken float64 `json:"joules_per_token,omitempty"`
	EnergySource   string  `json:"energy_source,omitempty"`
}
