package runners

// EnergyMeter reads a cumulative energy counter of the machine. The harness
// reads it before and after each timed region; the difference divided by the
// tokens is the energy per token.
type EnergyMeter interface {
	// Source names the counter: "rapl" or "battery".
	Source() string
	// Joules returns the energy used since the meter was created, in joules.
	Joules() (float64, error)
}

// NewEnergyMeter returns this machine's energy meter: Intel/AMD RAPL
// package counters on Linux, else a discharging battery's energy_now (or
// power_now, integrated over time). When there is none it returns nil and
// one sentence saying why.
func NewEnergyMeter() (EnergyMeter, string) { return newEnergyMeter("/sys") }
