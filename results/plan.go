package results

// PlanSchema identifies a plan document (odbench plan --json).
var PlanSchema = Schema("plan")

// Plan is the answer of `odbench plan`: for one model on one device, every
// candidate quantization with its memory, predicted speed and expected
// quality loss, and the recommended one. Bytes are bytes; speeds tokens/s.
type Plan struct {
	Schema string     `json:"schema"`
	Model  PlanModel  `json:"model"`
	Device PlanDevice `json:"device"`
	// Context is the context length the KV cache is sized for, in tokens.
	Context int `json:"context"`
	// KVType is the KV cache element type: f16 or q8_0.
	KVType string `json:"kv_type"`
	// Runner is the engine whose memory use is predicted: llamacpp or native.
	Runner     string         `json:"runner"`
	Efficiency PlanEfficiency `json:"efficiency"`
	// MinTokS is the generation speed below which a candidate is not usable, tokens/s.
	MinTokS    float64         `json:"min_tok_s"`
	Candidates []PlanCandidate `json:"candidates"`
	// Recommended is the file type of the recommended candidate, empty when none qualifies.
	Recommended string `json:"recommended"`
	// Reason says in one sentence why Recommended was chosen, or why nothing was.
	Reason string `json:"reason"`
	// Assumptions lists the formulas and defaults the figures rest on.
	Assumptions []string `json:"assumptions"`
	Warnings    []string `json:"warnings,omitempty"`
}

// PlanModel identifies the model planned for.
type PlanModel struct {
	ID           string `json:"id"` // catalog id, or the file's general.name / base name
	Name         string `json:"name"`
	Architecture string `json:"architecture"`
	Params       int64  `json:"params"`
	Layers       int    `json:"layers"`
	// Source is "catalog" or the path of the GGUF file read.
	Source string `json:"source"`
	// FileType is the file's own file type when a file was given.
	FileType string `json:"file_type,omitempty"`
}

// PlanDevice is the device as the planner saw it.
type PlanDevice struct {
	Name string `json:"name"`
	// Source is "catalog", "detected" or the path of a saved profile.
	Source string `json:"source"`
	// Backend is where inference runs in the prediction: cpu, metal, or gpu+cpu for a discrete GPU.
	Backend string `json:"backend"`
	// UsableBytes is the memory the model may take (RAM, or unified memory).
	UsableBytes int64 `json:"usable_bytes"`
	// UsableVRAMBytes is the discrete GPU memory the model may take, 0 without one.
	UsableVRAMBytes int64 `json:"usable_vram_bytes,omitempty"`
	// UsableHow says how UsableBytes was derived.
	UsableHow string `json:"usable_how"`
	// BandwidthGBs and ComputeGFLOPS are the ceilings the prediction uses
	// (for a GPU split, those of the CPU side; the GPU's are GPU*).
	BandwidthGBs     float64 `json:"bandwidth_gbs"`
	ComputeGFLOPS    float64 `json:"compute_gflops"`
	GPUBandwidthGBs  float64 `json:"gpu_bandwidth_gbs,omitempty"`
	GPUComputeGFLOPS float64 `json:"gpu_compute_gflops,omitempty"`
	// Calibrated is false when conservative defaults replaced missing measurements.
	Calibrated bool `json:"calibrated"`
	// FiguresFrom is "measured", "catalog" or "defaults".
	FiguresFrom string `json:"figures_from"`
}

// PlanEfficiency is the share of the physical ceiling the runner is expected to reach.
type PlanEfficiency struct {
	Decode  float64 `json:"decode"`
	Prefill float64 `json:"prefill"`
	// Source is "default" or "measured".
	Source string `json:"source"`
}

// PlanCandidate is one quantization of the model on the device.
type PlanCandidate struct {
	FileType      string  `json:"file_type"`       // Q4_K_M, ...
	BitsPerWeight float64 `json:"bits_per_weight"` // weights bytes × 8 ÷ parameters
	WeightsBytes  int64   `json:"weights_bytes"`
	KVBytes       int64   `json:"kv_bytes"`
	ComputeBytes  int64   `json:"compute_bytes"`
	// RepackBytes is the copy llama.cpp's CPU backend makes of some weight
	// types in an interleaved layout (the mapped originals stay resident too).
	RepackBytes   int64 `json:"repack_bytes,omitempty"`
	OverheadBytes int64 `json:"overhead_bytes"`
	TotalBytes    int64 `json:"total_bytes"`
	// RAMBytes and VRAMBytes split TotalBytes where a discrete GPU takes layers.
	RAMBytes  int64 `json:"ram_bytes"`
	VRAMBytes int64 `json:"vram_bytes,omitempty"`
	// GPULayers is the number of blocks offloaded to a discrete GPU (0 without one).
	GPULayers int  `json:"gpu_layers,omitempty"`
	Fits      bool `json:"fits"`
	// HeadroomBytes is usable memory left after the model (negative when it does not fit).
	HeadroomBytes int64 `json:"headroom_bytes"`
	// Predicted speeds (ceiling × efficiency) and the ceilings, tokens/s.
	PrefillTokS        float64     `json:"prefill_tok_s"`
	DecodeTokS         float64     `json:"decode_tok_s"`
	PrefillCeilingTokS float64     `json:"prefill_ceiling_tok_s"`
	DecodeCeilingTokS  float64     `json:"decode_ceiling_tok_s"`
	Quality            PlanQuality `json:"quality"`
	// Verdict is recommended, rejected or fits.
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

// PlanQuality is the expected quality loss against the unquantized model.
type PlanQuality struct {
	DeltaPPL float64 `json:"delta_ppl"`
	KLD      float64 `json:"kld"`
	// SameTopPct is the share of positions with the same top token, 0 when unknown.
	SameTopPct float64 `json:"same_top_pct,omitempty"`
	// Source names the table the figures come from.
	Source string `json:"source"`
}
