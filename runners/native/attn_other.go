//go:build !amd64

package native

// The ggml arithmetic of attn.go has no assembly on this architecture.
var (
	ggmlDotLanes = ggmlLanesGeneric
	tinyDotLanes = tinyLanesGeneric
	ggmlExpSum   = expSumGeneric
	ggmlSiluMul  = siluMulGeneric
)
