package devices

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable writes the catalog as the terminal table odbench devices prints.
func WriteTable(w io.Writer, es []Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tRAM\tUSABLE\tPEAK GB/S\tCPU READ GB/S\tCPU GFLOP/S\tGPU\tGPU FP16 TFLOP/S\tNAME")
	for _, e := range es {
		p := e.Profile
		gpu, tf := "-", "-"
		if len(p.GPUs) > 0 {
			gpu, tf = p.GPUs[0].Name, fmt.Sprintf("%.1f", p.GPUs[0].FP16TFLOPS)
			if v := p.GPUs[0].VRAMTotalBytes; v > 0 {
				gpu += fmt.Sprintf(" (%d GiB)", v>>30)
			}
		}
		total := float64(p.Memory.TotalBytes) / (1 << 30)
		fmt.Fprintf(tw, "%s\t%s\t%.0f GiB\t%.0f%% (%.1f GiB)\t%.1f\t%.0f\t%.0f\t%s\t%s\t%s\n",
			e.ID, e.Kind, total, 100*p.Memory.UsableShare, total*p.Memory.UsableShare, e.MemoryBandwidthGBs,
			p.Calibration.ReadGBsAll, p.Calibration.FP32GFLOPSAll, gpu, tf, e.Name)
	}
	return tw.Flush()
}
