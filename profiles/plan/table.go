package plan

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/odbench/odbench/results"
)

// WriteTable writes a plan as the terminal table odbench plan prints.
func WriteTable(w io.Writer, p results.Plan) error {
	var b strings.Builder
	m, d := p.Model, p.Device
	fmt.Fprintf(&b, "Model:   %s (%s, %s), %.2f B parameters, %d layers", m.Name, m.ID, m.Source, float64(m.Params)/1e9, m.Layers)
	if m.FileType != "" {
		fmt.Fprintf(&b, ", file type %s", m.FileType)
	}
	fmt.Fprintf(&b, "\nDevice:  %s (%s), %s backend, %s usable: %s\n", d.Name, d.Source, d.Backend, gbs(d.UsableBytes), d.UsableHow)
	if d.UsableVRAMBytes > 0 {
		fmt.Fprintf(&b, "         GPU: %s VRAM usable, %.0f GB/s, %.0f GFLOP/s\n", gbs(d.UsableVRAMBytes), d.GPUBandwidthGBs, d.GPUComputeGFLOPS)
	}
	fmt.Fprintf(&b, "         ceilings: %.1f GB/s read, %.0f GFLOP/s (%s figures); %s efficiency: decode %.2f, prefill %.2f\n",
		d.BandwidthGBs, d.ComputeGFLOPS, d.FiguresFrom, p.Efficiency.Source, p.Efficiency.Decode, p.Efficiency.Prefill)
	fmt.Fprintf(&b, "Context: %d tokens, KV cache %s; usable speed ≥ %.0f tok/s\n\n", p.Context, p.KVType, p.MinTokS)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "QUANT\tBPW\tWEIGHTS\tKV\tBUFFERS+RT\tTOTAL\tRAM\tVRAM\tGPU LAYERS\tFITS\tPP512 T/S\tTG T/S\tΔPPL\tKLD\tVERDICT")
	for _, c := range p.Candidates {
		fits := "no"
		if c.Fits {
			fits = "yes"
		}
		vram, layers := "-", "-"
		if c.GPULayers > 0 {
			vram, layers = gbs(c.VRAMBytes), fmt.Sprint(c.GPULayers)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%.4f\t%.5f\t%s\n",
			c.FileType, c.BitsPerWeight, gbs(c.WeightsBytes), gbs(c.KVBytes), gbs(c.ComputeBytes+c.RepackBytes+c.OverheadBytes),
			gbs(c.TotalBytes), gbs(c.RAMBytes), vram, layers, fits, c.PrefillTokS, c.DecodeTokS,
			c.Quality.DeltaPPL, c.Quality.KLD, c.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.Recommended != "" {
		fmt.Fprintf(&b, "\nRecommendation: %s. %s\n", p.Recommended, p.Reason)
	} else {
		fmt.Fprintf(&b, "\nRecommendation: none. %s\n", p.Reason)
	}
	fmt.Fprintln(&b, "\nWhy the others:")
	for _, c := range p.Candidates {
		if c.Verdict != "recommended" {
			fmt.Fprintf(&b, "  %-7s %s\n", c.FileType, c.Reason)
		}
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(&b, "\nWarnings:")
		for _, s := range p.Warnings {
			fmt.Fprintf(&b, "  - %s\n", s)
		}
	}
	fmt.Fprintf(&b, "\nAssumptions (quality: %s):\n", qualitySource)
	for _, s := range p.Assumptions {
		fmt.Fprintf(&b, "  - %s\n", s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
