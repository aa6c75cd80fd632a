package main

import (
	"context"
	"errors"
	"fmt"
	modelstore "github.com/odbench/odbench/models"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/mem"
	"golang.org/x/term"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/calibrate"
	"github.com/odbench/odbench/profiles/plan"
	"github.com/odbench/odbench/report"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/runners"
)

func init() {
	register(command{name: "bench", summary: "Measure prompt processing and generation speed of a model, as llama-bench does.", run: runBench})
}

const benchSynopsis = `bench --model FILE [--runner R] [-p 512] [-n 128] [-pg 512,128] [-d 0] [-r 5]
       [-t N] [-ngl 99] [-b 2048] [-ub 512] [-ctk f16] [-ctv f16] [-fa 0] [-mmp 1]
       [-o table|md|csv|json|jsonl] [--json] [--save FILE] [--device PROFILE.json] [--force]

Lists (-p, -n, -d, -t, -ngl, -b, -ub, -ctk, -ctv, -fa, -mmp) take comma-separated
values and every combination runs, as in llama-bench; -pg may be repeated.`

// intList is a flag holding a comma-separated list of integers.
type intList []int

func (l *intList) String() string {
	s := make([]string, len(*l))
	for i, v := range *l {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

func (l *intList) Set(v string) error {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("%q is not an integer", f)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}

// stringList is a flag holding a comma-separated list of words.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = strings.Split(v, ",")
	return nil
}

// pairList is a repeatable flag of "N,M" pairs (llama-bench -pg).
type pairList [][2]int

func (l *pairList) String() string {
	s := make([]string, len(*l))
	for i, p := range *l {
		s[i] = fmt.Sprintf("%d,%d", p[0], p[1])
	}
	return strings.Join(s, " ")
}

func (l *pairList) Set(v string) error {
	var il intList
	if err := il.Set(v); err != nil || len(il) != 2 || il[0] < 0 || il[1] < 0 {
		return fmt.Errorf("%q is not a pair of prompt and generation lengths like 512,128", v)
	}
	*l = append(*l, [2]int{il[0], il[1]})
	return nil
}

func runBench(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "bench", benchSynopsis)
	model := fs.String("model", "", "GGUF model file (required)")
	runner := fs.String("runner", defaultRunner, "engine: "+strings.Join(runners.Names(), ", "))
	prompts, gens, depths := intList{512}, intList{128}, intList{0}
	threads, ngl, batch, ubatch := intList{0}, intList{99}, intList{2048}, intList{512}
	fa, mmp := intList{0}, intList{1}
	ctk, ctv := stringList{"f16"}, stringList{"f16"}
	var pairs pairList
	fs.Var(&prompts, "p", "prompt lengths of the pp tests, tokens (0: none)")
	fs.Var(&gens, "n", "generation lengths of the tg tests, tokens (0: none)")
	fs.Var(&pairs, "pg", "a pp+tg test: prompt,generation tokens (repeatable)")
	fs.Var(&depths, "d", "tokens in the KV cache before each test")
	fs.Var(&threads, "t", "CPU threads (0: the runner's default)")
	fs.Var(&ngl, "ngl", "layers offloaded to a GPU")
	fs.Var(&batch, "b", "logical batch size, tokens")
	fs.Var(&ubatch, "ub", "physical batch size, tokens")
	fs.Var(&ctk, "ctk", "K cache type: f16, q8_0, q4_0, f32")
	fs.Var(&ctv, "ctv", "V cache type (quantized V needs -fa 1)")
	fs.Var(&fa, "fa", "flash attention: 0 or 1")
	fs.Var(&mmp, "mmp", "memory-map the model: 0 or 1")
	reps := fs.Int("r", 5, "repetitions of each test")
	seed := fs.Uint64("seed", 1, "seed of the random token ids")
	format := fs.String("o", "table", "output format: table, md, csv, json, jsonl")
	asJSON := fs.Bool("json", false, "print one JSON object (same as -o json)")
	save := fs.String("save", "", "also write the odbench/bench/v1 JSON document to this file")
	devicePath := fs.String("device", "", "device profile (odbench detect --save) whose bandwidth and FLOP/s give the ceilings")
	bandwidth := fs.Float64("bandwidth", 0, "memory read bandwidth, GB/s, for the ceilings (without --device)")
	flops := fs.Float64("flops", 0, "fp32 compute, GFLOP/s, for the ceilings (without --device)")
	int8ops := fs.Float64("int8", 0, "int8 compute, GOP/s, for the prefill ceiling of quantized models (without --device)")
	force := fs.Bool("force", false, "load the model even when the planner says it will not fit in memory")
	noCalibrate := fs.Bool("no-calibrate", false, "without --device or rate flags, skip the quick calibration (and the ceilings)")
	var rb remoteBench // --url, --parallel, ... for the server runners (bench_remote.go)
	rb.addFlags(fs)
	libDir := fs.String("llama-lib", "", "folder of the llama.cpp library (llamacpp runner; default: $"+"ODBENCH_LLAMA_LIB, then the usual places)")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *model == "" {
		return usagef("--model FILE is required")
	}
	if *asJSON {
		*format = string(report.JSON)
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usageError{err.Error()}
	}
	r, err := runners.Get(*runner)
	if err != nil {
		return usageError{err.Error()}
	}
	tests, err := runners.Tests(prompts, gens, pairs, depths)
	if err != nil {
		return usageError{err.Error()}
	}
	opts, err := optionSets(*libDir, threads, ngl, batch, ubatch, ctk, ctv, fa, mmp)
	if err != nil {
		return err
	}
	cfg := runners.Config{Repetitions: *reps, Seed: *seed}
	// The device whose rates give the ceilings: a profile or the rate flags
	// now; a quick calibration of this machine after the measurement, so
	// that neither disturbs the other.
	dev, devNote, err := givenDevice(*devicePath, *bandwidth, *flops, *int8ops)
	if err != nil {
		return err
	}
	if isRemote(r.Name()) {
		if len(opts) > 1 {
			return usagef("--runner %s measures a server as it is configured: give each option one value", r.Name())
		}
		var notes []string
		if devNote != "" {
			notes = append(notes, devNote)
		}
		return rb.run(ctx, e, r, *model, tests, cfg, opts[0], dev, notes, f, *save)
	}
	path, err := modelstore.Resolve(*model)
	if err != nil {
		return err
	}
	sw := runners.Sweep{Runner: r, Model: path, Options: opts, Tests: tests, Config: cfg}
	var fp *runners.Footprint
	if gf, err := gguf.Open(path); err == nil {
		if f, err := runners.FootprintOf(gf); err == nil {
			fp = &f
		}
		notes, err := checkFit(gf, r.Name(), dev, opts, runners.ContextFor(tests), *force)
		gf.Close()
		if err != nil {
			return err
		}
		sw.Notes = append(sw.Notes, notes...)
	} else if _, statErr := os.Stat(*model); statErr == nil {
		sw.Notes = append(sw.Notes, fmt.Sprintf("ceilings and fit check skipped: %v", err))
	}
	meter, note := runners.NewEnergyMeter()
	sw.Config.Energy = meter
	if note != "" {
		sw.Notes = append(sw.Notes, note)
	}
	p := newProgress(e.stderr)
	sw.Config.Progress = p.rep
	sw.OnResult = p.result
	doc, runErr := sw.Run(ctx)
	p.done()
	if runErr != nil && len(doc.Results) == 0 {
		return runErr
	}
	if runErr == nil && !*noCalibrate && fp != nil && runners.RatesOf(dev) == (runners.Rates{}) {
		devNote = calibrateForCeilings(ctx, e.stderr, dev)
	}
	if runners.RatesOf(dev) != (runners.Rates{}) {
		doc.Device = dev
	}
	if devNote != "" {
		doc.Notes = append(doc.Notes, devNote)
	}
	if note := runners.AddCeilings(doc, fp); note != "" {
		doc.Notes = append(doc.Notes, note)
	}
	if runErr == nil {
		runErr = ctx.Err() // Ctrl-C during the calibration
	}
	if *save != "" {
		if err := results.WriteJSONFile(*save, doc); err != nil {
			return err
		}
	}
	if err := report.WriteBench(e.stdout, doc, f); err != nil {
		return err
	}
	return runErr
}

// optionSets returns every combination of the option lists.
func optionSets(libDir string, threads, ngl, batch, ubatch intList, ctk, ctv stringList, fa, mmp intList) ([]runners.Options, error) {
	for _, l := range []struct {
		name string
		v    intList
	}{{"-fa", fa}, {"-mmp", mmp}} {
		for _, x := range l.v {
			if x != 0 && x != 1 {
				return nil, usagef("%s takes 0 or 1, not %d", l.name, x)
			}
		}
	}
	for _, l := range []struct {
		name string
		v    intList
	}{{"-t", threads}, {"-b", batch}, {"-ub", ubatch}} {
		for _, x := range l.v {
			if x < 0 || (x == 0 && l.name != "-t") {
				return nil, usagef("%s must be positive, not %d", l.name, x)
			}
		}
	}
	var sets []runners.Options
	for _, t := range threads {
		for _, g := range ngl {
			for _, b := range batch {
				for _, ub := range ubatch {
					for _, k := range ctk {
						for _, v := range ctv {
							for _, a := range fa {
								for _, m := range mmp {
									sets = append(sets, runners.Options{Threads: t, GPULayers: g, BatchSize: b, UBatchSize: ub,
										KVType: k, KVTypeV: v, FlashAttn: a == 1, NoMmap: m == 0, LibDir: libDir})
								}
							}
						}
					}
				}
			}
		}
	}
	return sets, nil
}

// givenDevice returns the device profile at path, else this machine's
// memory with the rates of the flags (none when no flag is given), and a
// note on where the rates come from.
func givenDevice(path string, bw, fp32, int8 float64) (*results.Device, string, error) {
	if path != "" {
		var d results.Device
		if err := results.ReadJSONFile(path, results.DeviceSchema, &d); err != nil {
			return nil, "", err
		}
		return &d, "", nil
	}
	d := &results.Device{Schema: results.DeviceSchema, Name: "this", CreatedAt: time.Now().UTC()}
	d.Host.OS, d.CPU.Arch = runtime.GOOS, runtime.GOARCH
	if vm, err := mem.VirtualMemory(); err == nil {
		d.Memory.TotalBytes, d.Memory.AvailableBytes = vm.Total, vm.Available
	}
	if bw <= 0 && fp32 <= 0 && int8 <= 0 {
		return d, "", nil
	}
	d.Calibration = results.Calibration{ReadGBsAll: bw, FP32GFLOPSAll: fp32, Int8GOPSAll: int8, Source: "flags"}
	return d, "ceilings from the --bandwidth, --flops and --int8 flags", nil
}

// calibrateForCeilings measures this device's rates into dev for the ceilings
// and returns a note saying so, or why there are none.
func calibrateForCeilings(ctx context.Context, stderr io.Writer, dev *results.Device) string {
	fmt.Fprintln(stderr, "odbench bench: quick calibration of this device for the ceilings")
	c, err := calibrate.Run(ctx, calibrate.Options{AvailableBytes: dev.Memory.AvailableBytes, Duration: benchCalibration})
	if err != nil {
		return fmt.Sprintf("ceilings omitted: the quick calibration failed: %v", err)
	}
	c.Source = "measured"
	dev.Calibration = c
	return fmt.Sprintf("ceilings from a quick calibration after the measurement (%.1f s; `odbench detect --save` and --device give steadier figures)", c.DurationMS/1e3)
}

// benchCalibration is the time bench spends on each calibration figure.
const benchCalibration = 150 * time.Millisecond

// checkFit asks the planner whether the model fits the device with each
// option set's KV cache, before anything is loaded. A refusal is an error
// unless force; a model the planner cannot describe gives a note.
func checkFit(f *gguf.File, runner string, dev *results.Device, sets []runners.Options, nCtx int, force bool) ([]string, error) {
	subj, err := plan.FileSubject(f)
	if err != nil {
		return []string{fmt.Sprintf("fit check skipped: %v", err)}, nil
	}
	ft, _ := f.FileType()
	checked := map[string]bool{}
	for _, o := range sets {
		kv := o.KVType
		if checked[kv] {
			continue
		}
		checked[kv] = true
		_, err := plan.Fit(subj, ft, *dev, plan.Options{Context: nCtx, KVType: kv, Runner: runner})
		switch {
		case errors.Is(err, plan.ErrDoesNotFit) && force:
			return []string{fmt.Sprintf("loaded with --force although %v", err)}, nil
		case errors.Is(err, plan.ErrDoesNotFit):
			return nil, fmt.Errorf("%w (--force loads it anyway)", err)
		case err != nil:
			return []string{fmt.Sprintf("fit check skipped: %v", err)}, nil
		}
	}
	return nil, nil
}

// progress reports a bench's progress on stderr: a bar redrawn in place on
// a terminal, one line per repetition otherwise.
type progress struct {
	w    io.Writer
	tty  bool
	open bool // a bar is drawn and needs a newline
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) rep(t runners.Test, rep, of int) {
	what := fmt.Sprintf("%s: repetition %d/%d", t.Name(), rep, of)
	if rep == 0 {
		what = t.Name() + ": warm-up done"
	}
	if !p.tty {
		fmt.Fprintf(p.w, "odbench bench: %s\n", what)
		return
	}
	const width = 20
	filled := width * rep / max(of, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %-40s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), what)
	p.open = true
}

func (p *progress) result(r results.BenchResult) {
	p.done()
	fmt.Fprintf(p.w, "odbench bench: %s: %.2f ± %.2f t/s\n", r.Test, r.AvgTs, r.StddevTs)
}

func (p *progress) done() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
