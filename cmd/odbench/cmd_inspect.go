package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/odbench/odbench/results"
)

func init() {
	register(command{name: "inspect", summary: "Show a GGUF model's architecture, size, quantization mix and tokenizer.", run: runInspect})
}

func runInspect(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "inspect", "inspect FILE [--json]")
	asJSON := fs.Bool("json", false, "print one JSON object (schema odbench/inspect/v1)")
	// Flags may come before or after FILE.
	var files []string
	for {
		if err := parseFlags(fs, e, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usagef("want one GGUF file, got %d arguments", len(files))
	}
	f, err := openModelArg(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	s := f.Summary()
	if *asJSON {
		return writeJSON(e.stdout, s)
	}
	return writeInspectText(e.stdout, s)
}

// writeInspectText prints the summary as two tables: the model's facts and
// the bytes per ggml type.
func writeInspectText(w io.Writer, s results.Inspect) error {
	facts := tablewriter.NewTable(w, tablewriter.WithRowAlignment(tw.AlignLeft))
	for _, row := range inspectFacts(s) {
		if err := facts.Append(row); err != nil {
			return err
		}
	}
	if err := facts.Render(); err != nil {
		return err
	}
	types := tablewriter.NewTable(w, tablewriter.WithRowAlignmentConfig(tw.CellAlignment{
		PerColumn: []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight},
	}))
	types.Header("type", "tensors", "params", "bytes", "share", "bpw")
	for _, t := range s.Types {
		err := types.Append([]string{t.Type, strconv.Itoa(t.Tensors), inspectCount(t.Elements), inspectBytes(t.Bytes),
			fmt.Sprintf("%.1f%%", 100*t.Share), strconv.FormatFloat(t.BitsPerWeight, 'f', -1, 64)})
		if err != nil {
			return err
		}
	}
	return types.Render()
}

// inspectFacts lists the label-value rows of the text output; absent facts are left out.
func inspectFacts(s results.Inspect) [][]string {
	rows := [][]string{
		{"file", s.Path},
		{"size", fmt.Sprintf("%s (%d bytes)", inspectBytes(s.FileBytes), s.FileBytes)},
		{"format", fmt.Sprintf("GGUF v%d, %d tensors, %d metadata keys, alignment %d", s.GGUFVersion, s.TensorCount, s.MetadataCount, s.Alignment)},
		{"architecture", s.Architecture},
	}
	add := func(label, value string) {
		if value != "" {
			rows = append(rows, []string{label, value})
		}
	}
	num := func(n uint64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatUint(n, 10)
	}
	add("name", s.Name)
	add("file type", s.FileType)
	rows = append(rows,
		[]string{"parameters", fmt.Sprintf("%s (%d)", inspectCount(s.Parameters), s.Parameters)},
		[]string{"tensor data", fmt.Sprintf("%s, %.2f bits per weight", inspectBytes(s.TensorBytes), s.BitsPerWeight)})
	m := s.Model
	add("context length", num(m.ContextLength))
	add("embedding", num(m.EmbeddingLength))
	add("layers", num(m.BlockCount))
	if m.HeadCount > 0 {
		add("heads", fmt.Sprintf("%d (KV heads %d)", m.HeadCount, m.HeadCountKV))
	}
	add("head size", num(m.KeyLength))
	add("feed-forward", num(m.FeedForwardLength))
	if m.ExpertCount > 0 {
		add("experts", fmt.Sprintf("%d (%d used per token)", m.ExpertCount, m.ExpertUsedCount))
	}
	add("vocabulary", num(m.VocabSize))
	if t := s.Tokenizer; t != nil {
		desc := t.Model
		if t.Pre != "" {
			desc += " (pre " + t.Pre + ")"
		}
		desc += fmt.Sprintf(", %d tokens", t.Tokens)
		if t.Merges > 0 {
			desc += fmt.Sprintf(", %d merges", t.Merges)
		}
		add("tokenizer", desc)
		add("chat template", map[bool]string{true: "present", false: "absent"}[t.ChatTemplate])
	} else {
		add("tokenizer", "none")
	}
	if r := s.RoPE; r != nil {
		var parts []string
		if r.FreqBase != 0 {
			parts = append(parts, "freq base "+strconv.FormatFloat(r.FreqBase, 'g', -1, 64))
		}
		if r.DimensionCount != 0 {
			parts = append(parts, fmt.Sprintf("%d dims", r.DimensionCount))
		}
		if r.ScalingType != "" {
			parts = append(parts, "scaling "+r.ScalingType)
		}
		if r.ScalingFactor != 0 {
			parts = append(parts, "factor "+strconv.FormatFloat(r.ScalingFactor, 'g', -1, 64))
		}
		if r.OriginalContextLength != 0 {
			parts = append(parts, fmt.Sprintf("original context %d", r.OriginalContextLength))
		}
		if r.FreqFactors {
			parts = append(parts, "rope_freqs tensor")
		}
		add("rope", strings.Join(parts, ", "))
	}
	return rows
}

// inspectBytes formats a byte count with binary units: "1.50 GiB".
func inspectBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), -1
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.2f %ciB", f, "KMGTP"[i])
}

// inspectCount formats a count with decimal units: "1.24 B", "135.0 M".
func inspectCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f B", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f M", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f K", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}
