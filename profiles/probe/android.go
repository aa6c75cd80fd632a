package probe

import (
	"context"
	"strconv"
	"strings"

	"github.com/odbench/odbench/results"
)

// androidProps runs getprop (or reads its captured output) and parses it.
func (p *prober) androidProps(ctx context.Context) map[string]string {
	out, err := p.command(ctx, "getprop")
	if err != nil {
		p.warnf("Android properties unknown (phone model, Android version, SoC): %v", err)
		return map[string]string{}
	}
	return parseGetprop(string(out))
}

// parseGetprop parses getprop output: lines of "[name]: [value]".
func parseGetprop(text string) map[string]string {
	props := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "]: [")
		if !ok || !strings.HasPrefix(k, "[") || !strings.HasSuffix(v, "]") {
			continue
		}
		props[k[1:]] = v[:len(v)-1]
	}
	return props
}

// kgslGPUs describes a Qualcomm Adreno GPU from /sys/class/kgsl.
func (p *prober) kgslGPUs() []results.GPU {
	var gpus []results.GPU
	for _, dir := range p.glob("/sys/class/kgsl/kgsl-3d*") {
		model, err := p.readString(dir + "/gpu_model")
		if err != nil {
			p.warnf("Adreno GPU model unknown: %v", err)
			model = "Adreno"
		}
		g := results.GPU{Vendor: "qualcomm", Name: model, Driver: "kgsl", Unified: true, Source: "kgsl"}
		if hz, err := p.readString(dir + "/max_gpuclk"); err == nil {
			if v, err := strconv.ParseFloat(hz, 64); err == nil && v > 0 {
				g.MaxFreqMHz = v / 1e6
			}
		}
		gpus = append(gpus, g)
	}
	return gpus
}

// maliGPUs describes an Arm Mali GPU from the mali kernel driver's gpuinfo
// ("Mali-G610 4 cores r0p0 0xA867").
func (p *prober) maliGPUs() []results.GPU {
	var gpus []results.GPU
	for _, dir := range p.glob("/sys/class/misc/mali[0-9]*") {
		info, err := p.readString(dir + "/device/gpuinfo")
		if err != nil {
			p.warnf("Mali GPU model unknown: %v", err)
			continue
		}
		g := results.GPU{Vendor: "arm", Driver: "mali", Unified: true, Source: "sysfs"}
		fields := strings.Fields(info)
		for i, f := range fields {
			if f == "cores" && i > 0 {
				g.Cores, _ = strconv.Atoi(fields[i-1])
				g.Name = strings.Join(fields[:i-1], " ")
			}
		}
		if g.Name == "" {
			g.Name = info
		}
		gpus = append(gpus, g)
	}
	return gpus
}
