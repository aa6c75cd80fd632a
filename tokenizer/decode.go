package tokenizer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// byteRunes is GPT-2's byte-level alphabet: the UTF-8 text of the code point
// that stands for each byte in a BPE vocabulary. Printable Latin-1 bytes stand
// for themselves; the others are moved to U+0100 and up, in byte order.
var byteRunes, runeBytes = func() (enc [256]string, dec map[rune]byte) {
	dec = make(map[rune]byte, 256)
	next := rune(256)
	for b := 0; b < 256; b++ {
		r := rune(b)
		if !(b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE) {
			r = next
			next++
		}
		enc[b] = string(r)
		dec[r] = byte(b)
	}
	return enc, dec
}()

// buildPieces renders every token once, as llama.cpp's token-to-piece cache
// does with special rendering on.
func (t *Tokenizer) buildPieces() {
	t.pieces = make([]string, len(t.tokens))
	for id, text := range t.tokens {
		a := t.attrs[id]
		switch {
		case a&(attrUnknown|attrControl|attrUserDefined) != 0:
			t.pieces[id] = text
		case a&attrNormal != 0 && t.kind == SPM:
			t.pieces[id] = strings.ReplaceAll(text, "\u2581", " ")
		case a&attrNormal != 0:
			t.pieces[id] = decodeByteLevel(text)
		case a&attrByte != 0:
			t.pieces[id] = string([]byte{byteTokenValue(text)})
		}
	}
}

// decodeByteLevel maps a BPE token's text back to the bytes it stands for. A
// character outside the byte alphabet is rendered the way llama.cpp renders
// it, as [UNK_BYTE_0x..] followed by the whole token text.
func decodeByteLevel(text string) string {
	var out []byte
	var u [4]byte
	for _, r := range decodeCpts(text, nil) {
		if b, ok := runeBytes[r]; ok {
			out = append(out, b)
			continue
		}
		out = append(out, "[UNK_BYTE_0x"...)
		for _, c := range appendCpt(u[:0], r) {
			out = fmt.Appendf(out, "%02x", c)
		}
		out = append(out, text...)
		out = append(out, ']')
	}
	return string(out)
}

// byteTokenValue reads the byte of a <0xNN> token the way strtol does:
// as many hex digits as there are, 0 when there are none.
func byteTokenValue(text string) byte {
	if len(text) < 4 {
		return 0
	}
	hex := text[3:min(5, len(text))]
	end := 0
	for end < len(hex) && strings.IndexByte("0123456789abcdefABCDEF", hex[end]) >= 0 {
		end++
	}
	v, _ := strconv.ParseUint(hex[:end], 16, 8)
	return byte(v)
}

// piece is the text of id; with special unset, control and unknown tokens
// render as nothing, as llama_token_to_piece(special=false) does.
func (t *Tokenizer) piece(id int32, special bool) string {
	if id < 0 || int(id) >= len(t.pieces) {
		return ""
	}
	if !special && t.attrs[id]&(attrControl|attrUnknown) != 0 {
		return ""
	}
	return t.pieces[id]
}

// Piece returns the bytes that token id stands for: byte tokens <0xNN> give
// that byte, SPM's ▁ gives a space, BPE text is mapped back from the byte
// alphabet, and control tokens give their text (llama_token_to_piece with
// special=true). A piece can be part of a UTF-8 sequence.
func (t *Tokenizer) Piece(id int32) []byte {
	return []byte(t.piece(id, true))
}

// Decode turns ids back into text like llama_detokenize with remove_special
// and unparse_special unset: control tokens vanish, SPM drops the space that
// encoding put first, and vocabularies that ask for it get llama.cpp's
// clean-up of spaces before punctuation and contractions.
func (t *Tokenizer) Decode(ids []int32) string {
	var b []byte
	stripSpace := t.addSpacePrefix
	for _, id := range ids {
		p := t.piece(id, false)
		if stripSpace && strings.HasPrefix(p, " ") {
			p = p[1:]
		}
		stripSpace = false
		b = append(b, p...)
	}
	if t.cleanSpaces {
		b = cleanSpaces(b)
	}
	return string(b)
}

// cleanSpaces applies llama.cpp's three clean-up passes in place: " ?" " !"
// " ." " ," lose the space, a lone apostrophe between spaces loses both, and
// " 's" " 'm" " 're" " 've" lose the space.
func cleanSpaces(text []byte) []byte {
	isPunct := func(c byte) bool { return c == '?' || c == '!' || c == '.' || c == ',' }
	n := len(text)
	total := min(n, 1)
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && isPunct(x) {
			total--
		}
		text[total] = x
		total++
	}
	n, total = total, min(total, 1)
	for i := 1; i < n; i++ {
		x := text[i]
		if x == '\'' && i+1 < n && text[i-1] == ' ' && text[i+1] == ' ' {
			total--
			i++
			text[i] = 0
		}
		text[total] = x
		total++
	}
	n, total = total, min(total, 1)
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < n {
			switch x1 := text[i+1]; {
			case x1 == 's' || x1 == 'm':
				total--
			case i+2 < n && (x1 == 'r' || x1 == 'v') && text[i+2] == 'e':
				total--
			}
		}
		text[total] = x
		total++
	}
	return text[:total]
}

// StreamDecoder turns generated tokens into text as they come, holding back
// the bytes of a UTF-8 sequence that later tokens complete.
type StreamDecoder struct {
	t       *Tokenizer
	pending []byte
}

// NewStreamDecoder starts a stream; control tokens render as nothing.
func (t *Tokenizer) NewStreamDecoder() *StreamDecoder { return &StreamDecoder{t: t} }

// Add appends token id and returns the text that is now complete.
func (d *StreamDecoder) Add(id int32) string {
	d.pending = append(d.pending, d.t.piece(id, false)...)
	n := completePrefix(d.pending)
	s := string(d.pending[:n])
	d.pending = d.pending[:copy(d.pending, d.pending[n:])]
	return s
}

// Flush returns whatever is held back, complete or not, and empties the stream.
func (d *StreamDecoder) Flush() string {
	s := string(d.pending)
	d.pending = d.pending[:0]
	return s
}

// completePrefix is the length of b without a trailing UTF-8 sequence that is
// valid so far but incomplete.
func completePrefix(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}
