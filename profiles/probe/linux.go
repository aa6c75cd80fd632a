package probe

import (
	"context"
	"strings"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/common"
)

// linux probes a Linux or Android machine through /proc, /sys and /etc
// under the root (and getprop on Android).
func (p *prober) linux(ctx context.Context, d *results.Device) {
	ctx = context.WithValue(ctx, common.EnvKey, common.EnvMap{
		common.HostProcEnvKey: p.path("/proc"),
		common.HostSysEnvKey:  p.path("/sys"),
		common.HostEtcEnvKey:  p.path("/etc"),
		common.HostRootEnvKey: p.root,
	})
	var props map[string]string
	if p.os == "android" {
		props = p.androidProps(ctx)
	}
	p.linuxHost(&d.Host, props)
	p.linuxCPU(ctx, &d.CPU, props)
	p.linuxMemory(ctx, &d.Memory)
	d.GPUs = append(d.GPUs, p.linuxGPUs()...)
	d.Power = p.linuxPower()
	d.Thermal = p.linuxThermal()
	if p.os == "android" {
		d.Memory.Unified = true
	}
}

// linuxHost fills the OS, kernel, device model and virtualization.
func (p *prober) linuxHost(h *results.HostInfo, props map[string]string) {
	if k, err := p.readString("/proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = k
	} else {
		p.warnf("kernel release unknown: %v", err)
	}
	if p.os == "android" {
		h.Platform, h.Version = "Android", props["ro.build.version.release"]
		h.Model = strings.TrimSpace(props["ro.product.manufacturer"] + " " + props["ro.product.model"])
		if h.Model == "" {
			p.warnf("phone model unknown: getprop shows no ro.product.model")
		}
	} else {
		h.Platform, h.Version = p.osRelease()
		h.Model = p.boardModel()
	}
	p.virtualization(h)
}

// osRelease reads the distribution's id and version from os-release
// ("debian", "12").
func (p *prober) osRelease() (id, version string) {
	for _, f := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		text, err := p.readString(f)
		if err != nil {
			continue
		}
		kv := parseKeyValues(text, "=")
		unquote := func(s string) string { return strings.Trim(s, `"'`) }
		return unquote(kv["ID"]), unquote(kv["VERSION_ID"])
	}
	p.warnf("distribution unknown: no readable /etc/os-release or /usr/lib/os-release")
	return "", ""
}

// boardModel names the machine from DMI (PCs, servers, VMs) or the device
// tree (Arm boards).
func (p *prober) boardModel() string {
	vendor, _ := p.readString("/sys/class/dmi/id/sys_vendor")
	product, err := p.readString("/sys/class/dmi/id/product_name")
	if err == nil && product != "" && !strings.Contains(product, "O.E.M.") {
		if vendor != "" && !strings.HasPrefix(product, vendor) {
			return vendor + " " + product
		}
		return product
	}
	for _, f := range []string{"/proc/device-tree/model", "/sys/firmware/devicetree/base/model"} {
		if m, err := p.readString(f); err == nil {
			return strings.TrimRight(m, "\x00")
		}
	}
	p.warnf("device model unknown: no DMI product name (/sys/class/dmi/id) and no device-tree model")
	return ""
}

// hypervisors maps DMI vendor or product names to hypervisor names.
var hypervisors = []struct{ match, name string }{
	{"KVM", "kvm"}, {"QEMU", "qemu"}, {"VMware", "vmware"}, {"VirtualBox", "virtualbox"},
	{"innotek", "virtualbox"}, {"Xen", "xen"}, {"Microsoft Corporation", "hyperv"},
	{"Amazon EC2", "aws"}, {"Google", "gce"}, {"Firecracker", "firecracker"},
}

// virtualization sets Virtualized ("kvm", "docker", "kvm+docker") and Container.
func (p *prober) virtualization(h *results.HostInfo) {
	var kinds []string
	if flags, err := p.readString("/proc/cpuinfo"); err == nil && strings.Contains(flags, " hypervisor") {
		kinds = append(kinds, p.hypervisor())
	}
	if c := p.container(); c != "" {
		kinds = append(kinds, c)
		h.Container = true
	}
	h.Virtualized = strings.Join(kinds, "+")
}

// hypervisor names the hypervisor of a virtual machine, "vm" when nothing names it.
func (p *prober) hypervisor() string {
	if t, err := p.readString("/sys/hypervisor/type"); err == nil && t != "" {
		return t
	}
	if p.live {
		if name := liveHypervisor(); name != "" {
			return name
		}
	}
	vendor, _ := p.readString("/sys/class/dmi/id/sys_vendor")
	product, _ := p.readString("/sys/class/dmi/id/product_name")
	for _, hv := range hypervisors {
		if strings.Contains(vendor, hv.match) || strings.Contains(product, hv.match) {
			return hv.name
		}
	}
	return "vm"
}

// container names the container runtime this process runs in, "" when none shows.
func (p *prober) container() string {
	switch {
	case p.exists("/.dockerenv"):
		return "docker"
	case p.exists("/run/.containerenv"):
		return "podman"
	}
	for _, f := range []string{"/proc/1/cgroup", "/proc/self/cgroup"} {
		text, _ := p.readString(f)
		for _, rt := range []string{"docker", "kubepods", "containerd", "libpod", "lxc"} {
			if strings.Contains(text, rt) {
				return rt
			}
		}
	}
	if env, err := p.readString("/proc/1/environ"); err == nil {
		for _, kv := range strings.Split(env, "\x00") {
			if v, ok := strings.CutPrefix(kv, "container="); ok {
				return v
			}
		}
	}
	return ""
}
