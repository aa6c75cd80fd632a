package plan

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
)

// Runners whose memory the planner models (Options.Runner).
const (
	RunnerLlamaCpp = "llamacpp"
	RunnerNative   = "native"
)

const (
	gib = 1 << 30
	mib = 1 << 20

	// osHeadroomMin and osHeadroomShare keep memory free for the OS and
	// other apps on a detected machine: max(512 MiB, 5% of RAM) comes off
	// the available memory.
	osHeadroomMin   = 512 * mib
	osHeadroomShare = 0.05
	// androidShare caps what one app may use on a detected Android device
	// without a catalog share: the low-memory killer acts well before RAM is full.
	androidShare = 0.5
	// vramReserve is the GPU memory the driver context and the desktop keep.
	vramReserve = 512 * mib
	// The runtime overhead is the process's memory beside weights, KV cache,
	// compute buffers and repacked copies: the Go runtime and odbench's code,
	// the GGUF metadata (read from the mapped file and parsed into Go
	// strings), and for llama.cpp its libraries, vocabulary tables, thread
	// stacks and the logits buffer. It is a fixed part plus a part per
	// vocabulary token, fitted to the peak RSS of `odbench bench -p 512
	// -n 16 -r 1` on synthetic smollm2-135m, qwen3-0.6b and gemma-3-1b
	// Q4_0 files (49k, 152k and 262k tokens) on linux/amd64 with AVX2.
	llamacppOverheadFixed    = 23 * mib
	llamacppOverheadPerToken = 224 // bytes per vocabulary token
	nativeOverheadFixed      = 11.5 * mib
	nativeOverheadPerToken   = 92 // bytes per vocabulary token
	// ubatch is the micro-batch of prompt tokens processed at once (llama.cpp's n_ubatch).
	ubatch = 512
)

// usable returns the memory the model may take on dev and how it was derived.
func usable(dev results.Device) (int64, string) {
	m := dev.Memory
	total := int64(m.TotalBytes)
	if m.UsableShare > 0 && total > 0 {
		return int64(float64(total) * m.UsableShare), fmt.Sprintf("%.0f%% of %s RAM (the per-app share in the device profile)", 100*m.UsableShare, gbs(total))
	}
	avail := int64(m.AvailableBytes)
	how := []string{}
	if avail == 0 {
		avail = total
		how = append(how, fmt.Sprintf("total RAM %s (available memory unknown)", gbs(total)))
	} else {
		how = append(how, fmt.Sprintf("available memory %s", gbs(avail)))
	}
	if l := int64(m.CgroupLimitBytes); l > 0 && l < avail {
		avail = l
		how = append(how, fmt.Sprintf("capped by the cgroup limit %s", gbs(l)))
	}
	if dev.Host.OS == "android" {
		if c := int64(androidShare * float64(total)); c < avail {
			avail = c
			how = append(how, fmt.Sprintf("capped at %.0f%% of RAM for one Android app", 100*androidShare))
		}
	}
	head := int64(math.Max(osHeadroomMin, osHeadroomShare*float64(total)))
	avail -= head
	how = append(how, fmt.Sprintf("less %s headroom for the OS (max of 512 MiB and 5%% of RAM)", gbs(head)))
	if avail < 0 {
		avail = 0
	}
	return avail, strings.Join(how, ", ")
}

// discreteGPU returns the first GPU with its own memory, if any.
func discreteGPU(dev results.Device) (results.GPU, bool) {
	for _, g := range dev.GPUs {
		if !g.Unified && g.VRAMTotalBytes > 0 {
			return g, true
		}
	}
	return results.GPU{}, false
}

// usableVRAM is the GPU memory the model may take: free (or total) less the reserve.
func usableVRAM(g results.GPU) int64 {
	v := int64(g.VRAMFreeBytes)
	if v == 0 {
		v = int64(g.VRAMTotalBytes)
	}
	return max(v-vramReserve, 0)
}

// kvBytesPerElement is the storage of one K or V element.
func kvBytesPerElement(kvType string) float64 {
	if kvType == "q8_0" {
		return 34.0 / 32
	}
	return 2
}

// kvLayerBytes is the KV cache of layer i for a context of ctx tokens:
// K and V, kv_heads × head_size elements per token each. Sliding-window
// layers keep only window + one micro-batch of tokens, as llama.cpp's SWA cache does.
func kvLayerBytes(m models.Model, i, ctx int, kvType string) int64 {
	cells := ctx
	if m.LocalLayer(i) {
		cells = min(ctx, m.SlidingWindow+ubatch)
	}
	return int64(2 * float64(cells) * float64(m.KVHeads*m.HeadSize) * kvBytesPerElement(kvType))
}

func kvBytes(m models.Model, ctx int, kvType string) int64 {
	var n int64
	for i := 0; i < m.Layers; i++ {
		n += kvLayerBytes(m, i, ctx, kvType)
	}
	return n
}

// nativeKVBytes is the KV cache of odbench's native runner: every layer,
// sliding-window ones included, holds K and V for the whole context.
func nativeKVBytes(m models.Model, ctx int, kvType string) int64 {
	return int64(2 * float64(m.Layers) * float64(ctx) * float64(m.KVHeads*m.HeadSize) * kvBytesPerElement(kvType))
}

// nativeComputeBytes is the native runner's scratch: per token of a
// micro-batch of min(ubatch, ctx) tokens, f32 rows of the residual stream,
// normalised input and block output (3 × embedding), queries, attention
// output and the fused projection's query part (3 × q = heads × head_size),
// keys, values and their fused part (4 × kv = kv_heads × head_size), gate
// (2 × ffn, fused with up) and up (ffn), and RoPE factors (≤ head_size);
// one row of logits; per worker thread attention scores for a query group
// (heads / kv_heads × context) and one value row; and the Q8 activation
// rows of the widest matrix input (ffn × 34/32 bytes per token).
func nativeComputeBytes(m models.Model, ctx, threads int) int64 {
	b := int64(min(ubatch, ctx))
	q, kv := int64(m.Heads*m.HeadSize), int64(m.KVHeads*m.HeadSize)
	e, f := int64(m.EmbeddingSize), int64(m.FFNSize)
	perTok := 3*e + 3*q + 4*kv + 3*f + int64(m.HeadSize)
	perWorker := int64(m.Heads/max(m.KVHeads, 1)*ctx + m.HeadSize)
	return 4*(b*perTok+int64(m.VocabSize)+int64(threads)*perWorker) + b*f*34/32
}

// computeBytes is the scratch memory of one forward pass of a micro-batch:
// 4-byte attention scores (heads × context per token, no flash attention,
// as llama.cpp allocates by default), the FFN and residual activations
// (3 × ffn + 4 × embedding per token) and one row of logits.
func computeBytes(m models.Model, ctx int) int64 {
	perTok := int64(m.Heads)*int64(ctx) + 3*int64(m.FFNSize) + 4*int64(m.EmbeddingSize)
	return 4*ubatch*perTok + 4*int64(m.VocabSize)
}

// repackBytes is what llama.cpp's CPU backend copies into interleaved
// layouts for its faster kernels: on x86 with AVX2 the Q4_0, Q4_K and
// IQ4_NL matrices, on Arm with dot products the Q4_0 and IQ4_NL ones. The
// token embedding is read by row lookups and is not repacked. Mapped
// originals were read to make the copy and stay resident, so both count.
func repackBytes(dev results.Device, l recipe.Layout) int64 {
	var types []gguf.Type
	switch {
	case dev.CPU.Arch == "amd64" && slices.Contains(dev.CPU.Features, "avx2"):
		types = []gguf.Type{gguf.TypeQ4_0, gguf.TypeQ4_K, gguf.TypeIQ4_NL}
	case dev.CPU.Arch == "arm64" && slices.Contains(dev.CPU.Features, "dotprod"):
		types = []gguf.Type{gguf.TypeQ4_0, gguf.TypeIQ4_NL}
	}
	var n int64
	for _, t := range l.Tensors {
		if len(t.Dims) == 2 && t.Name != "token_embd.weight" && slices.Contains(types, t.Type) {
			n += t.Bytes
		}
	}
	return n
}

// outputHeadBytes is the bytes of the output projection: output.weight, or
// the token embedding when tied (llama.cpp then holds a duplicate on the GPU).
func outputHeadBytes(l recipe.Layout) int64 {
	if b := l.TensorBytes("output.weight"); b > 0 {
		return b
	}
	return l.TensorBytes("token_embd.weight")
}

// layerBytes returns the weight bytes of each block.
func layerBytes(l recipe.Layout, layers int) []int64 {
	b := make([]int64, layers)
	for _, t := range l.Tensors {
		if t.Layer >= 0 && t.Layer < layers {
			b[t.Layer] += t.Bytes
		}
	}
	return b
}

// split is where the model's memory goes.
type split struct {
	ram, vram int64
	gpuLayers int   // blocks on the GPU
	gpuOutput bool  // output head on the GPU
	gpuWeight int64 // weight bytes read from VRAM per token
}

// splitGPU places the last blocks (and, once all fit, the output head) on
// a discrete GPU with vram usable bytes, as llama.cpp's n_gpu_layers does;
// the rest, the token embedding and the runtime overhead stay in RAM. The
// compute buffer goes where the layers are.
func splitGPU(m models.Model, l recipe.Layout, ctx int, kvType string, total, compute, vram int64) split {
	lb := layerBytes(l, m.Layers)
	budget := vram - compute
	var s split
	for i := m.Layers - 1; i >= 0; i-- {
		need := lb[i] + kvLayerBytes(m, i, ctx, kvType)
		if need > budget {
			break
		}
		budget -= need
		s.vram += need
		s.gpuWeight += lb[i]
		s.gpuLayers++
	}
	if s.gpuLayers == 0 {
		return split{ram: total}
	}
	s.vram += compute
	if s.gpuLayers == m.Layers {
		if out := outputHeadBytes(l); out <= budget {
			s.vram += out
			s.gpuWeight += out
			s.gpuOutput = true
			if l.TensorBytes("output.weight") == 0 {
				total += out // the tied head's GPU copy comes on top
			}
		}
	}
	s.ram = total - s.vram
	return s
}

// gbs formats bytes as GB with two decimals (1e9 bytes, as file sizes are quoted).
func gbs(b int64) string { return fmt.Sprintf("%.2f GB", float64(b)/1e9) }

// footprint returns the KV cache, compute buffer, repack and overhead
// bytes of m under layout l for opt's runner on dev (backend cpu or a GPU).
// The weights come on top: the file's tensors, mapped and all read.
//
//   - RunnerLlamaCpp: kvBytes (sliding-window layers keep window + one
//     micro-batch), computeBytes (no flash attention), repackBytes on a
//     CPU backend, and llamacppOverheadFixed + llamacppOverheadPerToken ×
//     vocabulary.
//   - RunnerNative (CPU only): nativeKVBytes (every layer the whole
//     context), nativeComputeBytes with one worker per logical CPU, no
//     repack, and nativeOverheadFixed + nativeOverheadPerToken × vocabulary.
//
// Measured on synthetic files with `odbench bench -p 512 -n 16 -r 1`, the
// sum is within 2% of the peak RSS for both runners (see TestPlanPredictsPeakRSS
// in cmd/odbench).
func footprint(opt Options, m models.Model, l recipe.Layout, dev results.Device, backend string) (kv, compute, repack, overhead int64) {
	if opt.Runner == RunnerNative {
		threads := max(dev.CPU.LogicalCores, 1)
		overhead = nativeOverheadFixed + nativeOverheadPerToken*int64(m.VocabSize)
		return nativeKVBytes(m, opt.Context, opt.KVType), nativeComputeBytes(m, opt.Context, threads), 0, overhead
	}
	if backend == "cpu" {
		repack = repackBytes(dev, l)
	}
	overhead = llamacppOverheadFixed + llamacppOverheadPerToken*int64(m.VocabSize)
	return kvBytes(m, opt.Context, opt.KVType), computeBytes(m, opt.Context), repack, overhead
}
