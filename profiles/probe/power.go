package probe

import (
	"path"
	"strconv"

	"github.com/odbench/odbench/results"
)

// linuxPower reads /sys/class/power_supply: the source is "battery" while
// a battery discharges, "ac" while mains or USB power is online or the
// battery charges, "unknown" when nothing is reported.
func (p *prober) linuxPower() *results.Power {
	pw := &results.Power{Source: "unknown"}
	supplies := p.glob("/sys/class/power_supply/*")
	if len(supplies) == 0 {
		p.warnf("power source unknown: /sys/class/power_supply lists no supply (desktops, servers and VMs: probably mains)")
		return pw
	}
	online := false
	for _, s := range supplies {
		typ, _ := p.readString(s + "/type")
		switch typ {
		case "Battery":
			if pw.BatteryStatus != "" {
				continue // report the first battery
			}
			pw.BatteryStatus, _ = p.readString(s + "/status")
			if c, err := p.readString(s + "/capacity"); err == nil {
				pw.BatteryPct, _ = strconv.ParseFloat(c, 64)
			} else {
				p.warnf("battery %s: charge unknown: %v", path.Base(s), err)
			}
		case "Mains", "USB", "USB_C", "USB_PD", "Wireless":
			if v, _ := p.readString(s + "/online"); v == "1" {
				online = true
			}
		}
	}
	switch {
	case pw.BatteryStatus == "Discharging":
		pw.Source = "battery"
	case online || pw.BatteryStatus == "Charging" || pw.BatteryStatus == "Full":
		pw.Source = "ac"
	}
	return pw
}

// linuxThermal reads the current temperature of each thermal zone in
// /sys/class/thermal (millidegrees Celsius).
func (p *prober) linuxThermal() []results.Thermal {
	var zones []results.Thermal
	unreadable := 0
	for _, z := range p.glob("/sys/class/thermal/thermal_zone*") {
		name, err := p.readString(z + "/type")
		if err != nil {
			name = path.Base(z)
		}
		t, err := p.readString(z + "/temp")
		if err != nil {
			unreadable++
			continue
		}
		milli, err := strconv.ParseFloat(t, 64)
		if err != nil {
			p.warnf("%s/temp: bad temperature %q", z, t)
			continue
		}
		zones = append(zones, results.Thermal{Zone: name, TempC: milli / 1000})
	}
	switch {
	case len(zones) == 0 && unreadable == 0:
		p.warnf("temperatures unknown: no thermal zones in /sys/class/thermal")
	case unreadable > 0:
		p.warnf("%d thermal zones in /sys/class/thermal could not be read", unreadable)
	}
	return zones
}
