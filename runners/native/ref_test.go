package native

import (
	"fmt"
	"math"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// refModel is a naive float64 implementation of the five architectures,
// written from the model definitions independently of the engine's code:
// weights dequantized to float64, activations never quantized, no KV cache
// (every position recomputed from the whole prefix).
type refModel struct {
	t    *testing.T
	f    *gguf.File
	arch string
	c    Config
}

func (r *refModel) vec(name string) []float64 {
	ti, ok := r.f.Tensor(name)
	if !ok {
		return nil
	}
	data, err := r.f.TensorData(ti)
	if err != nil {
		r.t.Fatal(err)
	}
	n := int(ti.NumElements())
	x := make([]float32, n)
	if err := quant.Dequantize(ti.Type, data, x); err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	out := make([]float64, n)
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// matvec returns W·x for the tensor name of dims [len(x), rows].
func (r *refModel) matvec(name string, x []float64) []float64 {
	w := r.vec(name)
	if w == nil {
		r.t.Fatalf("reference: tensor %s missing", name)
	}
	rows := len(w) / len(x)
	y := make([]float64, rows)
	for i := range rows {
		var s float64
		for j, v := range x {
			s += w[i*len(x)+j] * v
		}
		y[i] = s
	}
	return y
}

func refNorm(x, w []float64, eps float64) []float64 {
	var ss float64
	for _, v := range x {
		ss += v * v
	}
	s := 1 / math.Sqrt(ss/float64(len(x))+eps)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * s * w[i]
	}
	return out
}

// refRope rotates head x at position pos.
func refRope(x []float64, pos int, nRot int, base, scale float64, factors []float64, neox bool) {
	for i := 0; i < nRot/2; i++ {
		theta := scale * float64(pos) * math.Pow(base, -2*float64(i)/float64(nRot))
		if factors != nil {
			theta /= factors[i]
		}
		a, b := 2*i, 2*i+1
		if neox {
			a, b = i, i+nRot/2
		}
		x0, x1 := x[a], x[b]
		x[a] = x0*math.Cos(theta) - x1*math.Sin(theta)
		x[b] = x0*math.Sin(theta) + x1*math.Cos(theta)
	}
}

// logits returns the logits at every position of tokens.
func (r *refModel) logits(tokens []int32) [][]float64 {
	c := r.c
	arch := r.arch
	E, H := c.NEmbd, c.HeadDim
	neox := arch != "llama"
	eps := float64(c.Eps)
	emb := r.vec("token_embd.weight")
	xs := make([][]float64, len(tokens))
	for i, t := range tokens {
		xs[i] = append([]float64(nil), emb[int(t)*E:(int(t)+1)*E]...)
		if arch == "gemma3" {
			for j := range xs[i] {
				xs[i][j] *= math.Sqrt(float64(E))
			}
		}
	}
	factors := r.vec("rope_freqs.weight")
	for il := range c.NLayer {
		b := func(n string) string { return fmt.Sprintf("blk.%d.%s", il, n) }
		qs := make([][]float64, len(tokens))
		ks := make([][]float64, len(tokens))
		vs := make([][]float64, len(tokens))
		sliding := arch == "gemma3" && il%6 < 5
		base, scale := float64(c.RopeBase), float64(c.RopeScale)
		if sliding {
			base, scale = 10000, 1
		}
		for i := range tokens {
			h := refNorm(xs[i], r.vec(b("attn_norm.weight")), eps)
			if arch == "phi3" {
				qkv := r.matvec(b("attn_qkv.weight"), h)
				qs[i], ks[i], vs[i] = qkv[:c.QDim()], qkv[c.QDim():c.QDim()+c.KVDim()], qkv[c.QDim()+c.KVDim():]
			} else {
				qs[i], ks[i], vs[i] = r.matvec(b("attn_q.weight"), h), r.matvec(b("attn_k.weight"), h), r.matvec(b("attn_v.weight"), h)
			}
			for _, p := range []struct {
				x []float64
				n string
			}{{qs[i], "attn_q.bias"}, {ks[i], "attn_k.bias"}, {vs[i], "attn_v.bias"}} {
				if bias := r.vec(b(p.n)); bias != nil {
					for j := range p.x {
						p.x[j] += bias[j]
					}
				}
			}
			for _, p := range []struct {
				x []float64
				n string
			}{{qs[i], "attn_q_norm.weight"}, {ks[i], "attn_k_norm.weight"}} {
				nw := r.vec(b(p.n))
				for h0 := 0; h0 < len(p.x); h0 += H {
					head := p.x[h0 : h0+H]
					if nw != nil {
						copy(head, refNorm(head, nw, eps))
					}
					refRope(head, i, c.NRot, base, scale, factors, neox)
				}
			}
		}
		group := c.NHead / c.NHeadKV
		for i := range tokens {
			att := make([]float64, c.QDim())
			for h := range c.NHead {
				kvh := h / group
				q := qs[i][h*H : (h+1)*H]
				lo := 0
				if sliding {
					lo = max(0, i-c.SWA+1)
				}
				sc := make([]float64, i+1-lo)
				m := math.Inf(-1)
				for j := lo; j <= i; j++ {
					var d float64
					for e := range H {
						d += q[e] * ks[j][kvh*H+e]
					}
					sc[j-lo] = d * float64(c.AttnScale)
					m = max(m, sc[j-lo])
				}
				var sum float64
				for j := range sc {
					sc[j] = math.Exp(sc[j] - m)
					sum += sc[j]
				}
				for j := lo; j <= i; j++ {
					for e := range H {
						att[h*H+e] += sc[j-lo] / sum * vs[j][kvh*H+e]
					}
				}
			}
			o := r.matvec(b("attn_output.weight"), att)
			if w := r.vec(b("post_attention_norm.weight")); w != nil {
				o = refNorm(o, w, eps)
			}
			for j := range o {
				xs[i][j] += o[j]
			}
			h := refNorm(xs[i], r.vec(b("ffn_norm.weight")), eps)
			var g, u []float64
			if arch == "phi3" {
				gu := r.matvec(b("ffn_up.weight"), h)
				g, u = gu[:c.NFF], gu[c.NFF:]
			} else {
				g, u = r.matvec(b("ffn_gate.weight"), h), r.matvec(b("ffn_up.weight"), h)
			}
			for j := range g {
				if arch == "gemma3" {
					x := g[j]
					g[j] = 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
				} else {
					g[j] = g[j] / (1 + math.Exp(-g[j]))
				}
				g[j] *= u[j]
			}
			d := r.matvec(b("ffn_down.weight"), g)
			if w := r.vec(b("post_ffw_norm.weight")); w != nil {
				d = refNorm(d, w, eps)
			}
			for j := range d {
				xs[i][j] += d[j]
			}
		}
	}
	out := make([][]float64, len(tokens))
	head := "output.weight"
	if _, ok := r.f.Tensor(head); !ok {
		head = "token_embd.weight"
	}
	for i := range tokens {
		out[i] = r.matvec(head, refNorm(xs[i], r.vec("output_norm.weight"), eps))
	}
	return out
}
