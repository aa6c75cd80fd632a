//go:build !amd64

package native

// ggmlDotLanes is ggmlLanesGeneric: no assembly on this architecture.
var ggmlDotLanes = ggmlLanesGeneric
