// Package report renders odbench results for people and for tools.
package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/odbench/odbench/results"
)

// Format is an output format of `odbench bench -o`.
type Format string

// The formats of bench results.
const (
	Table    Format = "table" // aligned columns for a terminal
	Markdown Format = "md"    // a GitHub Markdown table, like llama-bench's
	CSV      Format = "csv"   // one header row with llama-bench's field names, one row per result
	JSON     Format = "json"  // the odbench/bench/v1 document
	JSONL    Format = "jsonl" // one result object per line
)

// Formats lists every Format, for help texts.
var Formats = []Format{Table, Markdown, CSV, JSON, JSONL}

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q (want %s)", s, joinFormats())
}

func joinFormats() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// WriteBench writes b in format f.
func WriteBench(w io.Writer, b *results.Bench, f Format) error {
	switch f {
	case Table:
		return writeTable(w, b)
	case Markdown:
		return writeMarkdown(w, b)
	case CSV:
		return writeCSV(w, b)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	case JSONL:
		enc := json.NewEncoder(w)
		for _, r := range b.Results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown output format %q", f)
}

// column is one column of the human tables: its header, whether it is
// numeric (right-aligned) and its cell for a result.
type column struct {
	head    string
	numeric bool
	cell    func(r results.BenchResult) string
}

// optionColumns are shown only when their value differs between results,
// as llama-bench shows only the parameters that vary.
var optionColumns = []column{
	{"n_batch", true, func(r results.BenchResult) string { return strconv.Itoa(r.NBatch) }},
	{"n_ubatch", true, func(r results.BenchResult) string { return strconv.Itoa(r.NUBatch) }},
	{"type_k", false, func(r results.BenchResult) string { return r.TypeK }},
	{"fa", true, func(r results.BenchResult) string { return b01(r.FlashAttn) }},
	{"mmap", true, func(r results.BenchResult) string { return b01(r.UseMmap) }},
	{"ngl", true, func(r results.BenchResult) string { return strconv.Itoa(r.NGPULayers) }},
}

var headColumns = []column{
	{"model", false, func(r results.BenchResult) string { return r.ModelType }},
	{"size", true, func(r results.BenchResult) string { return Bytes(r.ModelSize) }},
	{"params", true, func(r results.BenchResult) string { return params(r.ModelNParams) }},
	{"runner", false, func(r results.BenchResult) string { return r.Runner }},
	{"threads", true, func(r results.BenchResult) string { return strconv.Itoa(r.NThreads) }},
}

var tailColumns = []column{
	{"test", true, func(r results.BenchResult) string { return r.Test }},
	{"t/s", true, func(r results.BenchResult) string { return fmt.Sprintf("%.2f ± %.2f", r.AvgTs, r.StddevTs) }},
	{"TTFT ms", true, func(r results.BenchResult) string { return optional(r.TTFTMs, "%.1f") }},
	{"peak RSS", true, func(r results.BenchResult) string { return Bytes(r.PeakRSSBytes) }},
	{"ceiling t/s", true, func(r results.BenchResult) string { return optional(r.CeilingTs, "%.1f") }},
	{"share", true, func(r results.BenchResult) string { return optional(100*r.CeilingShare, "%.0f%%") }},
	{"J/token", true, func(r results.BenchResult) string { return optional(r.JoulesPerToken, "%.3f") }},
}

// columnsFor picks the columns of a table: the fixed ones, the options
// that vary, and J/token only when some result has it.
func columnsFor(rs []results.BenchResult) []column {
	cols := append([]column{}, headColumns...)
	for _, c := range optionColumns {
		for _, r := range rs[min(1, len(rs)):] {
			if c.cell(r) != c.cell(rs[0]) {
				cols = append(cols, c)
				break
			}
		}
	}
	for _, c := range tailColumns {
		if c.head == "J/token" && !anyEnergy(rs) {
			continue
		}
		cols = append(cols, c)
	}
	return cols
}

func anyEnergy(rs []results.BenchResult) bool {
	for _, r := range rs {
		if r.JoulesPerToken > 0 {
			return true
		}
	}
	return false
}

func writeTable(w io.Writer, b *results.Bench) error {
	cols := columnsFor(b.Results)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(cells []string) {
		for _, c := range cells {
			fmt.Fprint(tw, c, "\t")
		}
		fmt.Fprintln(tw)
	}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.head
	}
	row(heads)
	for _, r := range b.Results {
		row(cells(cols, r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeFooter(w, b, "")
}

func writeMarkdown(w io.Writer, b *results.Bench) error {
	cols := columnsFor(b.Results)
	var sb strings.Builder
	sb.WriteString("|")
	for _, c := range cols {
		fmt.Fprintf(&sb, " %s |", c.head)
	}
	sb.WriteString("\n|")
	for _, c := range cols {
		if c.numeric {
			sb.WriteString(" ---: |")
		} else {
			sb.WriteString(" --- |")
		}
	}
	sb.WriteString("\n")
	for _, r := range b.Results {
		sb.WriteString("|")
		for _, cell := range cells(cols, r) {
			fmt.Fprintf(&sb, " %s |", strings.ReplaceAll(cell, "|", `\|`))
		}
		sb.WriteString("\n")
	}
	if _, err := io.WriteString(w, sb.String()); err != nil {
		return err
	}
	return writeFooter(w, b, "\n")
}

func cells(cols []column, r results.BenchResult) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.cell(r)
	}
	return out
}

// writeFooter writes the device, the interruption and the notes under a table.
func writeFooter(w io.Writer, b *results.Bench, lead string) error {
	var lines []string
	if d := b.Device; d != nil {
		c := d.Calibration
		name := d.Name
		if m := strings.TrimSpace(d.CPU.Model); m != "" {
			name += " (" + m + ")"
		}
		lines = append(lines, fmt.Sprintf("device: %s; ceilings from read %.1f GB/s, fp32 %.1f GFLOP/s, int8 %.1f GOP/s",
			name, c.ReadGBsAll, c.FP32GFLOPSAll, c.Int8GOPSAll))
	}
	if b.Interrupted {
		lines = append(lines, "interrupted: the results hold the repetitions finished before Ctrl-C")
	}
	for _, n := range b.Notes {
		lines = append(lines, "note: "+n)
	}
	if len(lines) == 0 {
		return nil
	}
	_, err := io.WriteString(w, lead+strings.Join(lines, "\n")+"\n")
	return err
}

// csvHeader lists the CSV columns: llama-bench's names first, then odbench's.
var csvHeader = []string{"runner", "model_filename", "model_type", "model_size", "model_n_params",
	"n_batch", "n_ubatch", "n_threads", "type_k", "type_v", "n_gpu_layers", "flash_attn", "use_mmap",
	"n_prompt", "n_gen", "n_depth", "test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts",
	"samples_ns", "samples_ts", "test", "repetitions", "ttft_ms", "load_ms", "peak_rss_bytes", "gpu_mem_bytes",
	"ceiling_ts", "ceiling_share", "joules_per_token", "energy_source"}

// writeCSV writes one row per result; sample lists are joined with ";", an
// absent figure is an empty cell.
func writeCSV(w io.Writer, b *results.Bench) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	opt := func(x float64) string {
		if x == 0 {
			return ""
		}
		return f(x)
	}
	u := func(x uint64) string { return strconv.FormatUint(x, 10) }
	for _, r := range b.Results {
		ns := make([]string, len(r.SamplesNs))
		for i, v := range r.SamplesNs {
			ns[i] = u(v)
		}
		ts := make([]string, len(r.SamplesTs))
		for i, v := range r.SamplesTs {
			ts[i] = f(v)
		}
		gpu := ""
		if r.GPUMemBytes > 0 {
			gpu = u(r.GPUMemBytes)
		}
		err := cw.Write([]string{r.Runner, r.ModelFilename, r.ModelType, u(r.ModelSize), u(r.ModelNParams),
			strconv.Itoa(r.NBatch), strconv.Itoa(r.NUBatch), strconv.Itoa(r.NThreads), r.TypeK, r.TypeV,
			strconv.Itoa(r.NGPULayers), strconv.FormatBool(r.FlashAttn), strconv.FormatBool(r.UseMmap),
			strconv.Itoa(r.NPrompt), strconv.Itoa(r.NGen), strconv.Itoa(r.NDepth), r.TestTime.Format(time.RFC3339),
			u(r.AvgNs), u(r.StddevNs), f(r.AvgTs), f(r.StddevTs), strings.Join(ns, ";"), strings.Join(ts, ";"),
			r.Test, strconv.Itoa(r.Repetitions), opt(r.TTFTMs), f(r.LoadMs), u(r.PeakRSSBytes), gpu,
			opt(r.CeilingTs), opt(r.CeilingShare), opt(r.JoulesPerToken), r.EnergySource})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Bytes formats a byte count with binary units as llama-bench does: "727.75 MiB".
func Bytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.2f %s", v, units[i])
}

// params formats a parameter count as llama-bench does: "1.24 B", "107.58 K".
func params(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f B", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2f M", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.2f K", float64(n)/1e3)
	}
	return strconv.FormatUint(n, 10)
}

func optional(x float64, format string) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf(format, x)
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
