//go:build !linux && !android

package runners

import "runtime"

func newEnergyMeter(string) (EnergyMeter, string) {
	return nil, "energy per token omitted: odbench reads no energy counter on " + runtime.GOOS + " yet"
}
