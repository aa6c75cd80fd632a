package tokenizer

import (
	"math"
	"strings"
)

// fragment is a piece of the input: raw text, or a special token that was
// found in the text.
type fragment struct {
	text string
	id   int32 // none for raw text
}

// partition splits text around special tokens, longest token text first, as
// llama.cpp's tokenizer_st_partition does. User-defined tokens are always
// split out; control and unknown tokens only when parseSpecial is set.
func (t *Tokenizer) partition(text string, parseSpecial bool) []fragment {
	if text == "" {
		return nil
	}
	frags := []fragment{{text: text, id: none}}
	var next []fragment
	for _, id := range t.special {
		a := t.attrs[id]
		if !parseSpecial && a&(attrControl|attrUnknown) != 0 {
			continue
		}
		tok := t.tokens[id]
		next = next[:0]
		for _, f := range frags {
			if f.id != none || !strings.Contains(f.text, tok) {
				next = append(next, f)
				continue
			}
			rest := f.text
			for {
				k := strings.Index(rest, tok)
				if k < 0 {
					break
				}
				if k > 0 {
					next = append(next, fragment{text: rest[:k], id: none})
				}
				next = append(next, fragment{id: id})
				rest = rest[k+len(tok):]
				if a&attrRStrip != 0 {
					rest = strings.TrimLeft(rest, " \t\n\v\f\r")
				}
			}
			if rest != "" {
				next = append(next, fragment{text: rest, id: none})
			}
		}
		frags, next = next, frags
	}
	return frags
}

// Encode tokenizes text like llama_tokenize: with addSpecial the vocabulary's
// BOS/EOS rules apply (tokenizer.ggml.add_bos_token, add_eos_token); with
// parseSpecial the text of control tokens such as <|eot_id|> becomes those
// tokens instead of being tokenized as text.
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	out := make([]int32, 0, len(text)/3+2)
	if addSpecial && t.addBOS {
		out = append(out, t.bos)
	}
	frags := t.partition(text, parseSpecial)
	switch t.kind {
	case SPM:
		prevSpecial := true // the first fragment gets the space prefix too
		st := spmState{cache: map[string][]int32{}}
		for _, f := range frags {
			if f.id != none {
				out = append(out, f.id)
				prevSpecial = true
				continue
			}
			s := f.text
			if t.addSpacePrefix && prevSpecial {
				s = " " + s
			}
			out = t.encodeSPMSpans(strings.ReplaceAll(s, " ", "\u2581"), out, &st)
			prevSpecial = false
		}
	case BPE:
		st := bpeState{cache: map[string][]int32{}}
		for _, f := range frags {
			if f.id != none {
				out = append(out, f.id)
				continue
			}
			out = t.encodeBPE(f.text, out, &st)
		}
	}
	if addSpecial && t.addEOS {
		out = append(out, t.eos)
	}
	return out
}

// symbol is a span of the text being merged, linked to its neighbours.
type symbol struct {
	start, n   int32 // bytes; n is 0 once merged into the left neighbour
	prev, next int32 // symbol indexes, -1 at the ends
}

// bigram is a candidate merge of two neighbouring symbols.
type bigram struct {
	key         uint64 // priority, smallest first: merge rank or inverted score, then left
	left, right int32
	size        int32 // bytes of the merged text when the candidate was made
}

// rankKey orders BPE candidates by merge rank, then leftmost first.
func rankKey(rank int32, left int32) uint64 { return uint64(uint32(rank))<<32 | uint64(uint32(left)) }

// scoreKey orders SPM candidates by score, highest first, then leftmost
// first. The float bits are mapped to integers that sort like the floats.
func scoreKey(score float32, left int32) uint64 {
	u := math.Float32bits(score)
	if u&(1<<31) != 0 {
		u = ^u
	} else {
		u |= 1 << 31
	}
	return uint64(^u)<<32 | uint64(uint32(left))
}

// splitSymbols cuts s into one symbol per UTF-8 sequence as llama.cpp counts
// them by lead byte.
func splitSymbols(s string, syms []symbol) []symbol {
	syms = syms[:0]
	for off := 0; off < len(s); {
		n := min(utf8Len(s[off]), len(s)-off)
		i := int32(len(syms))
		syms = append(syms, symbol{start: int32(off), n: int32(n), prev: i - 1, next: i + 1})
		off += n
	}
	if len(syms) > 0 {
		syms[len(syms)-1].next = -1
	}
	return syms
}

// mergeSymbols runs the merge loop shared by SPM and BPE: candidates come
// from cand (nil when the pair does not merge) and leave the queue best
// first; a candidate whose symbols changed since it was made is dropped.
func mergeSymbols(syms []symbol, q *queue, cand func(l, r int32) (bigram, bool)) {
	add := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		if b, ok := cand(l, r); ok {
			q.push(b)
		}
	}
	for i := 1; i < len(syms); i++ {
		add(int32(i-1), int32(i))
	}
	for q.len() > 0 {
		b := q.pop()
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != b.size {
			continue
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		add(l.prev, b.left)
		add(b.left, l.next)
	}
}

type spmState struct {
	syms  []symbol
	q     queue
	cache map[string][]int32 // span → its tokens
}

// charPairs records which two characters stand next to each other inside
// some token. Between two characters that never do, no merge can join the
// text, so SPM can work on the spans between such places one at a time and
// reuse the result for a span seen before; the tokens come out the same as
// for the whole text, because merges in separate spans never touch.
type charPairs struct {
	ascii [128][128]bool
	other map[uint64]bool
}

// charKey packs one character of up to four bytes.
func charKey(s string) uint64 {
	var k uint64
	for i := 0; i < len(s); i++ {
		k = k<<8 | uint64(s[i])
	}
	return k
}

func (p *charPairs) add(a, b string) {
	if len(a) == 1 && len(b) == 1 && a[0] < 0x80 && b[0] < 0x80 {
		p.ascii[a[0]][b[0]] = true
		return
	}
	p.other[charKey(a)<<32|charKey(b)] = true
}

func (p *charPairs) has(a, b string) bool {
	if len(a) == 1 && len(b) == 1 && a[0] < 0x80 && b[0] < 0x80 {
		return p.ascii[a[0]][b[0]]
	}
	return p.other[charKey(a)<<32|charKey(b)]
}

func newCharPairs(tokens []string) *charPairs {
	p := &charPairs{other: map[uint64]bool{}}
	for _, s := range tokens {
		prev := ""
		for off := 0; off < len(s); {
			n := min(utf8Len(s[off]), len(s)-off)
			c := s[off : off+n]
			if prev != "" {
				p.add(prev, c)
			}
			prev = c
			off += n
		}
	}
	return p
}

// encodeSPMSpans cuts text where no token spans two neighbouring characters
// and encodes each span, once per distinct span.
func (t *Tokenizer) encodeSPMSpans(text string, out []int32, st *spmState) []int32 {
	start, prev := 0, ""
	flush := func(end int) {
		span := text[start:end]
		if ids, ok := st.cache[span]; ok {
			out = append(out, ids...)
			return
		}
		n := len(out)
		out = t.encodeSPM(span, out, st)
		st.cache[span] = out[n:len(out):len(out)]
	}
	for off := 0; off < len(text); {
		n := min(utf8Len(text[off]), len(text)-off)
		c := text[off : off+n]
		if prev != "" && !t.pairs.has(prev, c) {
			flush(off)
			start = off
		}
		prev = c
		off += n
	}
	if start < len(text) {
		flush(len(text))
	}
	return out
}

// encodeSPM is llama.cpp's llm_tokenizer_spm: merge the neighbouring pair
// whose union is the highest-scoring token until none is left, then emit
// each symbol as its token or as byte tokens.
func (t *Tokenizer) encodeSPM(text string, out []int32, st *spmState) []int32 {
	st.syms = splitSymbols(text, st.syms)
	syms := st.syms
	st.q.reset()
	mergeSymbols(syms, &st.q, func(l, r int32) (bigram, bool) {
		s := text[syms[l].start : syms[l].start+syms[l].n+syms[r].n]
		id, ok := t.ids[s]
		if !ok {
			return bigram{}, false
		}
		return bigram{key: scoreKey(t.scores[id], l), left: l, right: r, size: int32(len(s))}, true
	})
	for i := int32(0); i >= 0 && int(i) < len(syms); i = syms[i].next {
		s := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.ids[s]; ok {
			out = append(out, id)
			continue
		}
		for j := 0; j < len(s); j++ {
			if id := t.byteIDs[s[j]]; id != none {
				out = append(out, id)
			}
		}
	}
	return out
}

type bpeState struct {
	text  cptText
	segs  []int
	word  []byte
	syms  []symbol
	q     queue
	cache map[string][]int32 // byte-encoded word → its tokens
}

// encodeBPE pre-tokenizes text into words, maps each word's bytes to the
// GPT-2 byte alphabet and merges each word by merge rank.
func (t *Tokenizer) encodeBPE(text string, out []int32, st *bpeState) []int32 {
	st.text.reset(text)
	st.segs = t.pre.stages.split(&st.text, st.segs)
	pos := 0
	for _, n := range st.segs {
		w := st.word[:0]
		var u [4]byte
		for _, r := range st.text.cpts[pos : pos+n] {
			for _, b := range appendCpt(u[:0], r) {
				w = append(w, byteRunes[b]...)
			}
		}
		pos += n
		st.word = w
		if ids, ok := st.cache[string(w)]; ok {
			out = append(out, ids...)
			continue
		}
		word := string(w)
		start := len(out)
		out = t.bpeWord(word, out, st)
		st.cache[word] = out[start:len(out):len(out)]
	}
	return out
}

func (t *Tokenizer) bpeWord(w string, out []int32, st *bpeState) []int32 {
	if t.pre.ignoreMerges {
		if id, ok := t.ids[w]; ok {
			return append(out, id)
		}
	}
	st.syms = splitSymbols(w, st.syms)
	syms := st.syms
	st.q.reset()
	mergeSymbols(syms, &st.q, func(l, r int32) (bigram, bool) {
		a := w[syms[l].start : syms[l].start+syms[l].n]
		b := w[syms[r].start : syms[r].start+syms[r].n]
		rank, ok := t.ranks[[2]string{a, b}]
		if !ok {
			return bigram{}, false
		}
		return bigram{key: rankKey(rank, l), left: l, right: r, size: int32(len(a) + len(b))}, true
	})
	for i := int32(0); i >= 0 && int(i) < len(syms); i = syms[i].next {
		s := w[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.ids[s]; ok {
			out = append(out, id)
			continue
		}
		// Not a token: llama.cpp looks up each raw byte as a token of its own.
		for j := 0; j < len(s); j++ {
			if id, ok := t.ids[s[j:j+1]]; ok {
				out = append(out, id)
			}
		}
	}
	return out
}

// queue is a binary min-heap of merge candidates by key.
type queue struct {
	items []bigram
}

func (q *queue) reset() { q.items = q.items[:0] }

func (q *queue) len() int { return len(q.items) }

func (q *queue) push(b bigram) {
	q.items = append(q.items, b)
	i := len(q.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if q.items[i].key >= q.items[p].key {
			break
		}
		q.items[i], q.items[p] = q.items[p], q.items[i]
		i = p
	}
}

func (q *queue) pop() bigram {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < last && q.items[l].key < q.items[m].key {
			m = l
		}
		if l+1 < last && q.items[l+1].key < q.items[m].key {
			m = l + 1
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}
