package runners

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// promptWords are common English words, each one token (with its leading
// space) in most vocabularies. Prompts are random sequences of them, new
// for every request, so a server's prompt cache never reuses a prefix.
var promptWords = strings.Fields(`the of and to in is was that for it with as on be at by this had not are
but from or have an they which one you were all we her she there would their will when who him been has more
if no out do so can what up said about other into than its time only could new them man some these then two
first may any like now my such make over our even most me state after also made many did must before back see
through way where get much go well your know should down work year because come people just each those how too
little good long very world here life day house water hand place word`)

// promptSizer makes prompts of a requested token length: counted with the
// model's tokenizer when it has one, else from a line fitted to the
// server's prompt counts of two probe prompts.
type promptSizer struct {
	count TokenCounter
	rng   *rand.Rand
	// tokens ≈ overhead + perWord × words, from calibration
	overhead, perWord float64
	assumed           bool // the server reported no counts: one token a word
}

// words returns n random words.
func (p *promptSizer) words(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(' ')
		b.WriteString(promptWords[p.rng.IntN(len(promptWords))])
	}
	return b.String()
}

// calibrate sends the first request (which loads the model on servers
// that load on demand) and, without a tokenizer, a second probe, and fits
// the prompt length. It returns the first request's completion.
func (p *promptSizer) calibrate(ctx context.Context, c Completer, idle time.Duration) (Completion, error) {
	const n1, n2 = 8, 64
	first, err := c.Complete(ctx, CompletionRequest{Prompt: p.words(n1), NPredict: 1, IdleTimeout: idle})
	if err != nil {
		return first, fmt.Errorf("first request: %w", err)
	}
	if p.count != nil {
		return first, nil
	}
	second, err := c.Complete(ctx, CompletionRequest{Prompt: p.words(n2), NPredict: 1, IdleTimeout: idle})
	if err != nil {
		return first, fmt.Errorf("calibration request: %w", err)
	}
	if first.PromptTokens <= 0 || second.PromptTokens <= first.PromptTokens {
		p.assumed, p.overhead, p.perWord = true, 1, 1
		return first, nil
	}
	p.perWord = float64(second.PromptTokens-first.PromptTokens) / (n2 - n1)
	p.overhead = float64(first.PromptTokens) - n1*p.perWord
	return first, nil
}

// prompt returns a new random prompt of about n tokens: with a tokenizer,
// the shortest random text of n tokens or more (n exactly, as a rule).
func (p *promptSizer) prompt(n int) string {
	if p.count == nil {
		return p.words(max(1, int(math.Round((float64(n)-p.overhead)/p.perWord))))
	}
	ws := strings.Fields(p.words(2 * n))
	text := " " + strings.Join(ws, " ")
	// The shortest prefix with n tokens or more: token counts grow with
	// the text, and cutting inside the last word hits n exactly in
	// vocabularies that split words.
	cut := sort.Search(len(text), func(i int) bool { return i > 0 && p.count(text[:i]) >= n })
	for cut < len(text) && !utf8.RuneStart(text[cut]) {
		cut++
	}
	return text[:max(cut, 1)]
}

// method says how the prompts were sized, for the result.
func (p *promptSizer) method() string {
	switch {
	case p.count != nil:
		return "tokenizer"
	case p.assumed:
		return "assumed one token a word (the server reports no prompt counts)"
	}
	return "calibrated"
}
