// Package tokenizer turns text into token ids and back for the vocabularies
// that GGUF files carry: SentencePiece-style (tokenizer.ggml.model "llama")
// and byte-level BPE ("gpt2") with the pre-tokenizers that llama.cpp selects
// by tokenizer.ggml.pre. It reproduces llama.cpp's llama_tokenize and
// llama_token_to_piece id for id, so that the native engine and llama.cpp see
// the same prompt.
package tokenizer

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnsupported is returned for a tokenizer model or pre-tokenizer that this
// package does not implement.
var ErrUnsupported = errors.New("unsupported tokenizer")

// MetadataReader is the part of a GGUF file's metadata that a tokenizer
// reads; *gguf.Metadata satisfies it. Each getter reports whether the key is
// present with a value of a usable type.
type MetadataReader interface {
	String(key string) (string, bool)
	Strings(key string) ([]string, bool)
	Float32s(key string) ([]float32, bool)
	Int32s(key string) ([]int32, bool)
	Uint(key string) (uint64, bool)
	Bool(key string) (bool, bool)
}

// Kind is the family of a vocabulary.
type Kind int

// The vocabulary families.
const (
	SPM Kind = iota // SentencePiece: tokenizer.ggml.model "llama"
	BPE             // byte-level BPE: tokenizer.ggml.model "gpt2"
)

// Token types as GGUF stores them in tokenizer.ggml.token_type.
const (
	typeNormal      = 1
	typeUnknown     = 2
	typeControl     = 3
	typeUserDefined = 4
	typeUnused      = 5
	typeByte        = 6
)

// attr holds a token's attribute bits, as llama.cpp's llama_token_attr.
type attr uint16

const (
	attrUnknown attr = 1 << iota
	attrUnused
	attrNormal
	attrControl
	attrUserDefined
	attrByte
	attrRStrip // whitespace after this special token is dropped (Phi-3)
)

// none marks an absent token id.
const none int32 = -1

// Tokenizer encodes and decodes text for one vocabulary. It is safe for
// concurrent use.
type Tokenizer struct {
	kind   Kind
	tokens []string // id → text as stored
	scores []float32
	attrs  []attr
	ids    map[string]int32
	pieces []string // id → bytes it stands for (special tokens as their text)

	ranks map[[2]string]int32 // BPE merge (left, right) → rank
	pairs *charPairs          // SPM: neighbouring characters found inside tokens
	pre   preSpec

	special []int32 // control, user-defined and unknown tokens, longest text first

	bos, eos, eot, eom, unk, pad int32
	eog                          map[int32]bool
	addBOS, addEOS               bool
	addSpacePrefix               bool
	cleanSpaces                  bool
	byteIDs                      [256]int32 // SPM: byte fallback token of each byte
}

// FromMetadata builds the tokenizer that the GGUF metadata describes, with
// llama.cpp's defaults for what it leaves out. Errors name the metadata key
// at fault; callers add the file name. A tokenizer model or pre-tokenizer
// this package lacks gives an error wrapping ErrUnsupported.
func FromMetadata(m MetadataReader) (*Tokenizer, error) {
	model, ok := m.String("tokenizer.ggml.model")
	if !ok {
		return nil, errors.New("tokenizer.ggml.model is missing")
	}
	t := &Tokenizer{unk: none, eot: none, eom: none, pad: none}
	switch model {
	case "llama":
		t.kind = SPM
		t.bos, t.eos, t.unk = 1, 2, 0
		t.addSpacePrefix, t.addBOS = true, true
	case "gpt2":
		t.kind = BPE
		t.bos, t.eos = 11, 11
		pre, _ := m.String("tokenizer.ggml.pre")
		spec, ok := preTokenizers[pre]
		if !ok {
			return nil, fmt.Errorf("%w: tokenizer.ggml.pre %q (supported: %s)", ErrUnsupported, pre, supportedPre())
		}
		t.pre = spec
		t.addBOS, t.cleanSpaces = spec.addBOS, spec.cleanSpaces
	default:
		return nil, fmt.Errorf("%w: tokenizer.ggml.model %q (supported: llama, gpt2)", ErrUnsupported, model)
	}
	if v, ok := m.Bool("tokenizer.ggml.add_space_prefix"); ok {
		t.addSpacePrefix = v
	}
	if err := t.loadVocab(m); err != nil {
		return nil, err
	}
	if t.kind == BPE {
		if err := t.loadMerges(m); err != nil {
			return nil, err
		}
	} else {
		t.pairs = newCharPairs(t.tokens)
	}
	if err := t.loadSpecial(m); err != nil {
		return nil, err
	}
	t.buildPieces()
	return t, nil
}

// supportedPre lists the tokenizer.ggml.pre values this package knows.
func supportedPre() string {
	var names []string
	for name := range preTokenizers {
		if name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (t *Tokenizer) loadVocab(m MetadataReader) error {
	tokens, ok := m.Strings("tokenizer.ggml.tokens")
	if !ok || len(tokens) == 0 {
		return errors.New("tokenizer.ggml.tokens is missing or empty")
	}
	n := len(tokens)
	t.tokens = make([]string, n)
	t.ids = make(map[string]int32, n)
	for i, s := range tokens {
		if s == "" {
			s = fmt.Sprintf("[EMPTY_%d]", i)
		}
		if j, dup := t.ids[s]; dup {
			return fmt.Errorf("tokenizer.ggml.tokens: duplicate token %q at ids %d and %d", s, j, i)
		}
		t.tokens[i] = s
		t.ids[s] = int32(i)
	}
	t.scores = make([]float32, n)
	if scores, ok := m.Float32s("tokenizer.ggml.scores"); ok {
		if len(scores) < n {
			return fmt.Errorf("tokenizer.ggml.scores has %d entries for %d tokens", len(scores), n)
		}
		for i := range t.scores {
			t.scores[i] = scores[i] + 0 // -0 and +0 compare equal, as in llama.cpp
		}
	}
	t.attrs = make([]attr, n)
	types, hasTypes := m.Int32s("tokenizer.ggml.token_type")
	if hasTypes && len(types) < n {
		return fmt.Errorf("tokenizer.ggml.token_type has %d entries for %d tokens", len(types), n)
	}
	for i := range t.attrs {
		if !hasTypes {
			t.attrs[i] = attrNormal
			continue
		}
		switch types[i] {
		case typeNormal:
			t.attrs[i] = attrNormal
		case typeUnknown:
			t.attrs[i] = attrUnknown
		case typeControl:
			t.attrs[i] = attrControl
		case typeUserDefined:
			t.attrs[i] = attrUserDefined
		case typeUnused:
			t.attrs[i] = attrUnused
		case typeByte:
			t.attrs[i] = attrByte
		}
	}
	return nil
}

func (t *Tokenizer) loadMerges(m MetadataReader) error {
	merges, ok := m.Strings("tokenizer.ggml.merges")
	if !ok {
		return errors.New("tokenizer.ggml.merges is missing")
	}
	t.ranks = make(map[[2]string]int32, len(merges))
	for i, s := range merges {
		if len(s) < 2 {
			continue
		}
		k := strings.IndexByte(s[1:], ' ')
		if k < 0 {
			continue
		}
		key := [2]string{s[:k+1], s[k+2:]}
		if _, dup := t.ranks[key]; !dup {
			t.ranks[key] = int32(i)
		}
	}
	return nil
}

// Texts by which llama.cpp recognises end-of-turn, end-of-message and
// fill-in-the-middle tokens when the metadata names none.
var (
	eotTexts    = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}
	eomTexts    = []string{"<|eom_id|>"}
	fimPadTexts = []string{"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"}
	fimRepTexts = []string{"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"}
	fimSepTexts = []string{"<|file_sep|>"}
	fimPreTexts = []string{"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"}
	fimSufTexts = []string{"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"}
	fimMidTexts = []string{"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"}
	eogTexts    = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["}
)

// specialID reads an id key; an id outside the vocabulary is ignored, as
// llama.cpp ignores it, and a default outside it is dropped.
func (t *Tokenizer) specialID(m MetadataReader, key string, def int32) int32 {
	if def >= int32(len(t.tokens)) {
		def = none
	}
	if v, ok := m.Uint(key); ok && v < uint64(len(t.tokens)) {
		return int32(v)
	}
	return def
}

// findText returns the id of the first of texts in the vocabulary and marks
// it as a control token.
func (t *Tokenizer) findText(texts []string) int32 {
	for _, s := range texts {
		if id, ok := t.ids[s]; ok {
			t.attrs[id] |= attrControl
			return id
		}
	}
	return none
}

func (t *Tokenizer) loadSpecial(m MetadataReader) error {
	const p = "tokenizer.ggml."
	t.bos = t.specialID(m, p+"bos_token_id", t.bos)
	t.eos = t.specialID(m, p+"eos_token_id", t.eos)
	t.eot = t.specialID(m, p+"eot_token_id", none)
	t.eom = t.specialID(m, p+"eom_token_id", none)
	t.unk = t.specialID(m, p+"unknown_token_id", t.unk)
	t.pad = t.specialID(m, p+"padding_token_id", none)
	fimPad := t.specialID(m, p+"fim_pad_token_id", none)
	fimRep := t.specialID(m, p+"fim_rep_token_id", none)
	fimSep := t.specialID(m, p+"fim_sep_token_id", none)
	if v, ok := m.Bool(p + "add_bos_token"); ok {
		t.addBOS = v
	}
	if v, ok := m.Bool(p + "add_eos_token"); ok {
		t.addEOS = v
	}
	if t.addBOS && t.bos == none {
		return errors.New("tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set")
	}
	if t.addEOS && t.eos == none {
		return errors.New("tokenizer.ggml.add_eos_token is true, but tokenizer.ggml.eos_token_id is not set")
	}
	if t.eot == none {
		t.eot = t.findText(eotTexts)
	}
	if t.eom == none {
		t.eom = t.findText(eomTexts)
	}
	if fimPad == none {
		fimPad = t.findText(fimPadTexts)
	}
	if fimRep == none {
		fimRep = t.findText(fimRepTexts)
	}
	if fimSep == none {
		fimSep = t.findText(fimSepTexts)
	}
	// The other fill-in-the-middle tokens only become control tokens.
	for key, texts := range map[string][]string{"fim_pre_token_id": fimPreTexts, "fim_suf_token_id": fimSufTexts, "fim_mid_token_id": fimMidTexts} {
		if t.specialID(m, p+key, none) == none {
			t.findText(texts)
		}
	}
	t.eog = map[int32]bool{}
	for _, s := range eogTexts {
		if id, ok := t.ids[s]; ok {
			t.eog[id] = true
			t.attrs[id] |= attrControl
		}
	}
	for _, id := range []int32{fimPad, fimRep, fimSep, t.eos, t.eot, t.eom} {
		if id != none {
			t.eog[id] = true
		}
	}

	for id, a := range t.attrs {
		if a&(attrControl|attrUserDefined|attrUnknown) != 0 {
			t.special = append(t.special, int32(id))
		}
	}
	sort.SliceStable(t.special, func(i, j int) bool {
		return len(t.tokens[t.special[i]]) > len(t.tokens[t.special[j]])
	})
	// llama.cpp gives Phi-3's special tokens an rstrip attribute by model name.
	if name, _ := m.String("general.name"); strings.Contains(strings.ToLower(name), "phi-3") || strings.Contains(strings.ToLower(name), "phi3") {
		for _, id := range t.special {
			t.attrs[id] |= attrRStrip
		}
		t.setRStrip("</s>", true)
		for _, s := range []string{"<unk>", "<s>", "<|endoftext|>"} {
			t.setRStrip(s, false)
		}
	}

	if t.kind == SPM {
		for b := range t.byteIDs {
			id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]
			if !ok {
				id, ok = t.ids[string([]byte{byte(b)})]
			}
			if !ok {
				id = t.unk
			}
			t.byteIDs[b] = id
		}
	}
	return nil
}

func (t *Tokenizer) setRStrip(text string, on bool) {
	if id, ok := t.ids[text]; ok {
		if on {
			t.attrs[id] |= attrRStrip
		} else {
			t.attrs[id] &^= attrRStrip
		}
	}
}

// Kind reports the vocabulary family.
func (t *Tokenizer) Kind() Kind { return t.kind }

// VocabSize is the number of tokens in the vocabulary.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// BOS is the beginning-of-sequence token, or -1 when the vocabulary has none.
func (t *Tokenizer) BOS() int32 { return t.bos }

// EOS is the end-of-sequence token, or -1 when the vocabulary has none.
func (t *Tokenizer) EOS() int32 { return t.eos }

// EOT is the end-of-turn token, or -1 when the vocabulary has none. When the
// metadata names none, the first of llama.cpp's candidate texts found is
// taken (<|eot_id|>, <|im_end|>, <|end|>, ...); llama.cpp itself takes the
// first in its hash map's order, which can be another candidate. Both end
// generation: IsEOG covers every candidate.
func (t *Tokenizer) EOT() int32 { return t.eot }

// Unknown is the token of text the vocabulary cannot spell, or -1.
func (t *Tokenizer) Unknown() int32 { return t.unk }

// Pad is the padding token, or -1 when the vocabulary has none.
func (t *Tokenizer) Pad() int32 { return t.pad }

// AddBOS reports whether Encode with addSpecial puts BOS first.
func (t *Tokenizer) AddBOS() bool { return t.addBOS }

// AddEOS reports whether Encode with addSpecial puts EOS last.
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// IsEOG reports whether generation ends at token id (EOS, EOT, EOM and the
// other end-of-generation tokens that llama.cpp recognises).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// IsControl reports whether id is a control token (BOS, EOS, chat markers).
func (t *Tokenizer) IsControl(id int32) bool {
	return id >= 0 && int(id) < len(t.attrs) && t.attrs[id]&attrControl != 0
}

// Text is the token's text as the vocabulary stores it, or "" for an id
// outside the vocabulary.
func (t *Tokenizer) Text(id int32) string {
	if id < 0 || int(id) >= len(t.tokens) {
		return ""
	}
	return t.tokens[id]
}

// ID returns the id of the token whose stored text is s.
func (t *Tokenizer) ID(s string) (int32, bool) {
	id, ok := t.ids[s]
	return id, ok
}
