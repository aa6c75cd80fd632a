package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/models"
	"github.com/odbench/odbench/report"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/runners"
	_ "github.com/odbench/odbench/runners/ollama" // registers "ollama"
	_ "github.com/odbench/odbench/runners/openai" // registers "openai"
	"github.com/odbench/odbench/tokenizer"
)

// remoteBench holds bench's flags for the runners that are clients of a
// server (ollama, openai) and runs those benches with runners.RemoteSweep.
type remoteBench struct {
	url      string
	parallel int
	tokModel string
	idle     time.Duration
}

// isRemote reports whether the runner is a client of a server.
func isRemote(runner string) bool { return runner == "ollama" || runner == "openai" }

// addFlags defines --url, --parallel, --tokenizer-model and --timeout.
func (rb *remoteBench) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&rb.url, "url", "", "server address for --runner ollama|openai, e.g. http://127.0.0.1:11434; end it in /api/chat or /v1/chat/completions for chat requests")
	fs.IntVar(&rb.parallel, "parallel", 1, "requests at once against a server (ollama, openai): aggregate and per-stream tokens/s")
	fs.StringVar(&rb.tokModel, "tokenizer-model", "", "the served model's GGUF file (or a name from `odbench models`): sizes prompts with its tokenizer and gives the ceilings")
	fs.DurationVar(&rb.idle, "timeout", runners.DefaultIdleTimeout, "longest wait for a server's next byte (ollama, openai)")
}

// run benches model on the server at --url: the same tests, formats and
// --save as the in-process runners, each result with its "remote" figures.
func (rb *remoteBench) run(ctx context.Context, e env, r runners.Runner, model string, tests []runners.Test, cfg runners.Config,
	opts runners.Options, dev *results.Device, notes []string, f report.Format, save string) error {
	switch {
	case rb.url == "":
		return usagef("--runner %s needs --url, the server's address", r.Name())
	case rb.parallel < 1:
		return usagef("--parallel must be at least 1")
	}
	opts.Endpoint = rb.url
	if _, err := runners.ParseEndpoint(rb.url); err != nil {
		return usageError{err.Error()}
	}
	sw := runners.RemoteSweep{Runner: r, Model: model, Options: opts, Tests: tests, Config: cfg, Parallel: rb.parallel,
		IdleTimeout: rb.idle, Notes: notes}
	var fp *runners.Footprint
	if rb.tokModel != "" {
		var err error
		if fp, err = rb.useModelFile(&sw); err != nil {
			return err
		}
	}
	p := newProgress(e.stderr)
	sw.Config.Progress = p.rep
	sw.OnResult = func(r results.RemoteResult) { p.result(r.BenchResult) }
	doc, runErr := sw.Run(ctx)
	p.done()
	if runErr != nil && len(doc.Results) == 0 {
		return runErr
	}
	if runners.RatesOf(dev) != (runners.Rates{}) {
		doc.Device = dev
	}
	if note := runners.AddRemoteCeilings(doc, fp); note != "" {
		doc.Notes = append(doc.Notes, note)
	}
	if save != "" {
		if err := results.WriteJSONFile(save, doc); err != nil {
			return err
		}
	}
	var err error
	switch f {
	case report.JSON:
		err = writeJSON(e.stdout, doc)
	case report.JSONL:
		for _, r := range doc.Results {
			if err = writeJSONLine(e.stdout, r); err != nil {
				break
			}
		}
	default:
		if err = report.WriteBench(e.stdout, doc.Common(), f); err == nil && f == report.Table {
			err = writeRemoteLines(e.stdout, doc)
		}
	}
	if err != nil {
		return err
	}
	return runErr
}

// useModelFile sizes the prompts with the served model's own tokenizer and
// returns the model's footprint for the ceilings (nil when unknown).
func (rb *remoteBench) useModelFile(sw *runners.RemoteSweep) (*runners.Footprint, error) {
	path, err := models.Resolve(rb.tokModel)
	if err != nil {
		return nil, err
	}
	gf, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	defer gf.Close()
	tok, err := tokenizer.FromMetadata(&gf.Metadata)
	if err != nil {
		return nil, fmt.Errorf("tokenizer of %s: %w", path, err)
	}
	sw.Count = func(text string) int { return len(tok.Encode(text, true, true)) }
	if fp, err := runners.FootprintOf(gf); err == nil {
		return &fp, nil
	}
	return nil, nil
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writeRemoteLines adds, under the table, what only a server bench has:
// aggregate throughput, client latency percentiles and the server's rates.
func writeRemoteLines(w io.Writer, doc *results.RemoteBench) error {
	for _, r := range doc.Results {
		rs := r.Remote
		line := fmt.Sprintf("%s via %s: %d stream(s), aggregate %.2f t/s; TTFT p50/p90/p99 %.1f/%.1f/%.1f ms", r.Test, rs.API, rs.Parallel,
			rs.AggregateTs, rs.TTFT.P50, rs.TTFT.P90, rs.TTFT.P99)
		if rs.ITL != nil {
			line += fmt.Sprintf("; inter-token p50/p90/p99 %.1f/%.1f/%.1f ms", rs.ITL.P50, rs.ITL.P90, rs.ITL.P99)
		}
		if rs.ServerPromptTs > 0 {
			line += fmt.Sprintf("; server prompt %.2f t/s", rs.ServerPromptTs)
		}
		if rs.ServerGenTs > 0 {
			line += fmt.Sprintf("; server generation %.2f t/s", rs.ServerGenTs)
		}
		if rs.EarlyStops > 0 {
			line += fmt.Sprintf("; %d request(s) stopped early, scaled to n_gen", rs.EarlyStops)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
