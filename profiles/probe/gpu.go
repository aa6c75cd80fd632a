package probe

import (
	"bufio"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/odbench/odbench/results"
)

// PCI vendor ids of GPU makers, as /sys/class/drm/card*/device/vendor shows them.
const (
	pciAMD    = "0x1002"
	pciIntel  = "0x8086"
	pciNVIDIA = "0x10de"
)

// integratedVRAM is the largest VRAM carve-out read as an integrated GPU
// (AMD APUs reserve 64 MiB to 2 GiB of system memory).
const integratedVRAM = 2 << 30

// linuxGPUs finds GPUs: NVIDIA through NVML on this machine, AMD and Intel
// (and NVIDIA when NVML is absent) through /sys/class/drm, Adreno through
// /sys/class/kgsl and Mali through its misc device.
func (p *prober) linuxGPUs() []results.GPU {
	var gpus []results.GPU
	nvmlOK := false
	if p.live && p.os == "linux" {
		nv, err := nvmlGPUs()
		if err != nil {
			p.warnf("NVIDIA GPUs not probed: %v", err)
		}
		gpus, nvmlOK = append(gpus, nv...), err == nil
	}
	gpus = append(gpus, p.drmGPUs(nvmlOK)...)
	gpus = append(gpus, p.kgslGPUs()...)
	gpus = append(gpus, p.maliGPUs()...)
	if len(gpus) == 0 {
		p.warnf("no GPU found (NVML, /sys/class/drm, /sys/class/kgsl, Mali): inference runs on the CPU")
	}
	return gpus
}

var cardName = regexp.MustCompile(`^card[0-9]+$`)

// drmGPUs describes the PCI GPUs in /sys/class/drm; NVIDIA cards are
// skipped when NVML already described them.
func (p *prober) drmGPUs(skipNVIDIA bool) []results.GPU {
	var gpus []results.GPU
	for _, card := range p.glob("/sys/class/drm/card*") {
		if !cardName.MatchString(path.Base(card)) {
			continue // connectors such as card0-HDMI-A-1
		}
		dev := card + "/device"
		vendor, err := p.readString(dev + "/vendor")
		if err != nil {
			continue // a display controller on a platform bus, not a PCI GPU
		}
		g := results.GPU{Source: "sysfs"}
		switch vendor {
		case pciAMD:
			g.Vendor = "amd"
		case pciIntel:
			g.Vendor, g.Unified = "intel", true
		case pciNVIDIA:
			if skipNVIDIA {
				continue
			}
			g.Vendor = "nvidia"
		default:
			continue
		}
		device, _ := p.readString(dev + "/device")
		uevent, _ := p.readString(dev + "/uevent")
		g.Driver = parseKeyValues(uevent, "=")["DRIVER"]
		g.Name = p.pciName(vendor, device)
		if total, err := p.readString(dev + "/mem_info_vram_total"); err == nil {
			g.VRAMTotalBytes, _ = strconv.ParseUint(total, 10, 64)
			if used, err := p.readString(dev + "/mem_info_vram_used"); err == nil {
				u, _ := strconv.ParseUint(used, 10, 64)
				g.VRAMFreeBytes = g.VRAMTotalBytes - min(u, g.VRAMTotalBytes)
			}
			if g.Vendor == "amd" && g.VRAMTotalBytes <= integratedVRAM {
				g.Unified = true
			}
		} else if g.Vendor == "amd" {
			p.warnf("%s: VRAM size unknown: %v", card, err)
		}
		gpus = append(gpus, g)
	}
	return gpus
}

// pciName looks a PCI device up in the pci.ids database when the system
// has one, else names it by its ids ("GPU 1002:744c").
func (p *prober) pciName(vendor, device string) string {
	v := strings.TrimPrefix(vendor, "0x")
	d := strings.TrimPrefix(device, "0x")
	fallback := "GPU " + v + ":" + d
	for _, db := range []string{"/usr/share/hwdata/pci.ids", "/usr/share/misc/pci.ids"} {
		f, err := os.Open(p.path(db))
		if err != nil {
			continue
		}
		name := lookupPCIIDs(bufio.NewScanner(f), v, d)
		f.Close()
		if name != "" {
			return name
		}
	}
	return fallback
}

// lookupPCIIDs scans pci.ids ("vvvv  Vendor" lines, then "\tdddd  Device"
// lines) for a vendor and device id, returning the device's name or "".
func lookupPCIIDs(sc *bufio.Scanner, vendor, device string) string {
	inVendor := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || line == "":
		case line[0] != '\t':
			if inVendor {
				return ""
			}
			id, _, _ := strings.Cut(line, "  ")
			inVendor = strings.EqualFold(id, vendor)
		case inVendor && !strings.HasPrefix(line, "\t\t"):
			if id, name, ok := strings.Cut(line[1:], "  "); ok && strings.EqualFold(id, device) {
				return name
			}
		}
	}
	return ""
}
