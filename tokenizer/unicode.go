package tokenizer

import (
	"sync"
	"unicode"
)

// Code point classes, as llama.cpp's unicode tables define them: every code
// point has exactly one general category (unassigned ones count as "other"),
// and whitespace is the Unicode White_Space property.
const (
	flagNumber uint8 = 1 << iota
	flagLetter
	flagPunct
	flagMark
	flagSymbol
	flagWhitespace
)

// bmpFlags caches the class of every code point below 0x10000.
var (
	bmpOnce  sync.Once
	bmpFlags []uint8
)

func classify(r rune) uint8 {
	var f uint8
	switch {
	case unicode.IsLetter(r):
		f = flagLetter
	case unicode.IsNumber(r):
		f = flagNumber
	case unicode.IsPunct(r):
		f = flagPunct
	case unicode.IsMark(r):
		f = flagMark
	case unicode.IsSymbol(r):
		f = flagSymbol
	}
	if unicode.Is(unicode.White_Space, r) {
		f |= flagWhitespace
	}
	return f
}

// cptFlags returns the class bits of code point r.
func cptFlags(r rune) uint8 {
	if r < 0x80 {
		return asciiFlags[r]
	}
	if r < 0x10000 {
		bmpOnce.Do(func() {
			bmpFlags = make([]uint8, 0x10000)
			for c := rune(0); c < 0x10000; c++ {
				bmpFlags[c] = classify(c)
			}
		})
		return bmpFlags[r]
	}
	if r > unicode.MaxRune {
		return 0
	}
	return classify(r)
}

var asciiFlags = func() (t [0x80]uint8) {
	for c := rune(0); c < 0x80; c++ {
		t[c] = classify(c)
	}
	return t
}()

// utf8Len is the sequence length that a lead byte announces, the way
// llama.cpp reads it: continuation bytes count as one-byte sequences.
func utf8Len(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	default:
		return 4
	}
}

// decodeCpts splits s into code points the way llama.cpp does: lenient about
// overlong forms and surrogates, and a byte that starts no complete sequence
// becomes U+FFFD on its own.
func decodeCpts(s string, dst []rune) []rune {
	dst = dst[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			dst = append(dst, rune(c))
			i++
			continue
		}
		n := 0
		switch {
		case c&0xE0 == 0xC0:
			n = 2
		case c&0xF0 == 0xE0:
			n = 3
		case c&0xF8 == 0xF0:
			n = 4
		}
		if n == 0 || i+n > len(s) || !continuation(s[i+1:i+n]) {
			dst = append(dst, 0xFFFD)
			i++
			continue
		}
		r := rune(c) & (0x7F >> n)
		for _, b := range []byte(s[i+1 : i+n]) {
			r = r<<6 | rune(b&0x3F)
		}
		dst = append(dst, r)
		i += n
	}
	return dst
}

func continuation(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			return false
		}
	}
	return true
}

// appendCpt appends the UTF-8 form of r without Go's validity checks, so that
// surrogates decoded by decodeCpts come back as the bytes they were.
func appendCpt(dst []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(dst, byte(r))
	case r < 0x800:
		return append(dst, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case r < 0x10000:
		return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	default:
		return append(dst, 0xF0|byte(r>>18)&0x07, 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
}
