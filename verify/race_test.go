//go:build race

package verify

// raceEnabled is true under the race detector, which makes the pure-Go
// arithmetic of the engines ten to twenty times slower.
const raceEnabled = true
