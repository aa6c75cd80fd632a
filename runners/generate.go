package runners

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Generation is the outcome of Generate.
type Generation struct {
	Text         string  // generated text, prompt excluded
	PromptTokens int     // prompt tokens, BOS included
	GenTokens    int     // tokens generated, an end-of-generation token excluded
	StopReason   string  // "eog", "length" (n tokens) or "context" (the context is full)
	TTFTMs       float64 // prompt evaluation + first sample, ms
	PromptTs     float64 // prompt tokens/s
	GenTs        float64 // tokens/s from the first generated token to the last
}

// Generate tokenizes prompt (special tokens added and parsed), evaluates it
// and samples up to n tokens with p, calling emit with each token's bytes
// as it comes. It returns what was generated even when it fails or ctx is
// cancelled.
func Generate(ctx context.Context, m Model, prompt string, n int, p SamplerParams, emit func(piece []byte) error) (g Generation, err error) {
	var text []byte
	defer func() { g.Text = string(text) }()
	toks, err := m.Tokenize(prompt, true, true)
	if err != nil {
		return g, fmt.Errorf("tokenize the prompt: %w", err)
	}
	g.PromptTokens = len(toks)
	if err := m.Reset(); err != nil {
		return g, err
	}
	start := time.Now()
	if err := m.Decode(ctx, toks); err != nil {
		return g, fmt.Errorf("prompt of %d tokens: %w", len(toks), err)
	}
	g.PromptTs = float64(len(toks)) / time.Since(start).Seconds()
	var first time.Time
	for {
		tok, err := m.Sample(p)
		if err != nil {
			return g, err
		}
		if first.IsZero() {
			first = time.Now()
			g.TTFTMs = float64(first.Sub(start).Microseconds()) / 1e3
		}
		if m.IsEOG(tok) {
			g.StopReason = "eog"
			break
		}
		piece, err := m.TokenPiece(tok)
		if err != nil {
			return g, err
		}
		text = append(text, piece...)
		g.GenTokens++
		if err := emit(piece); err != nil {
			return g, err
		}
		if g.GenTokens == n {
			g.StopReason = "length"
			break
		}
		if err := m.Decode(ctx, []int32{tok}); err != nil {
			if errors.Is(err, ErrContextFull) {
				g.StopReason = "context"
				break
			}
			return g, err
		}
	}
	if g.GenTokens > 1 {
		g.GenTs = float64(g.GenTokens-1) / time.Since(first).Seconds()
	}
	return g, nil
}
