package vt

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

// SGR: parsing into the pen, and emitting the shortest reasonable sequence
// that turns one style into another.

// sgr applies SGR parameters to the pen.
func (s *Screen) sgr(ps ansi.Params) {
	if len(ps) == 0 {
		s.setPen(style{})
		return
	}
	// Edit the pen in place: a copy built field by field and then copied
	// whole would stall on store-to-load forwarding (see storeASCII).
	old := s.pen
	p := &s.pen
	for i := 0; i < len(ps); i++ {
		// The group of colon-separated sub-parameters starting at i.
		j := i
		for j < len(ps)-1 && ps[j].HasMore() {
			j++
		}
		sub := ps[i : j+1]
		n := param(ps, i, 0)
		switch {
		case n == 0:
			*p = style{}
		case n == 1:
			p.attrs |= attrBold
		case n == 2:
			p.attrs |= attrFaint
		case n == 3:
			p.attrs |= attrItalic
		case n == 4:
			p.underline = ulSingle
			if len(sub) > 1 {
				if u := param(sub, 1, 1); u <= int(ulDashed) {
					p.underline = uint8(u)
				}
			}
		case n == 5:
			p.attrs |= attrBlink
		case n == 6:
			p.attrs |= attrRapidBlink
		case n == 7:
			p.attrs |= attrReverse
		case n == 8:
			p.attrs |= attrConceal
		case n == 9:
			p.attrs |= attrStrike
		case n == 21:
			p.underline = ulDouble
		case n == 22:
			p.attrs &^= attrBold | attrFaint
		case n == 23:
			p.attrs &^= attrItalic
		case n == 24:
			p.underline = ulNone
		case n == 25:
			p.attrs &^= attrBlink | attrRapidBlink
		case n == 27:
			p.attrs &^= attrReverse
		case n == 28:
			p.attrs &^= attrConceal
		case n == 29:
			p.attrs &^= attrStrike
		case n >= 30 && n <= 37:
			p.fg = indexed(n - 30)
		case n == 38, n == 48, n == 58:
			c, ok, used := extColor(ps, i, sub)
			if ok {
				switch n {
				case 38:
					p.fg = c
				case 48:
					p.bg = c
				default:
					p.ul = c
				}
			}
			if len(sub) == 1 {
				j = i + used
			}
		case n == 39:
			p.fg = colorDefault
		case n >= 40 && n <= 47:
			p.bg = indexed(n - 40)
		case n == 49:
			p.bg = colorDefault
		case n == 53:
			p.attrs |= attrOverline
		case n == 55:
			p.attrs &^= attrOverline
		case n == 59:
			p.ul = colorDefault
		case n >= 90 && n <= 97:
			p.fg = indexed(n - 90 + 8)
		case n >= 100 && n <= 107:
			p.bg = indexed(n - 100 + 8)
		}
		i = j
	}
	s.penChanged(old)
}

// extColor decodes an extended colour (38/48/58) at ps[i]. sub is the
// colon group starting at i; when it has only one element the semicolon
// form is used and used says how many following parameters were consumed.
func extColor(ps ansi.Params, i int, sub ansi.Params) (c color, ok bool, used int) {
	comp := func(v int) (int, bool) { return v, v >= 0 && v <= 255 }
	if len(sub) > 1 { // 38:5:n, 38:2:r:g:b, 38:2:cs:r:g:b
		switch param(sub, 1, -1) {
		case 5:
			if n, ok := comp(param(sub, 2, -1)); ok {
				return indexed(n), true, 0
			}
		case 2:
			k := 2
			if len(sub) >= 6 {
				k = 3 // skip the colour space id
			}
			r, ok1 := comp(param(sub, k, 0))
			g, ok2 := comp(param(sub, k+1, 0))
			b, ok3 := comp(param(sub, k+2, 0))
			if len(sub) >= k+3 && ok1 && ok2 && ok3 {
				return rgb(r, g, b), true, 0
			}
		}
		return 0, false, 0
	}
	switch param(ps, i+1, -1) { // 38;5;n, 38;2;r;g;b
	case 5:
		if i+2 >= len(ps) {
			return 0, false, len(ps) - i - 1
		}
		n, ok := comp(param(ps, i+2, -1))
		return indexed(n), ok, 2
	case 2:
		if i+4 >= len(ps) {
			return 0, false, len(ps) - i - 1
		}
		r, ok1 := comp(param(ps, i+2, 0))
		g, ok2 := comp(param(ps, i+3, 0))
		b, ok3 := comp(param(ps, i+4, 0))
		return rgb(r, g, b), ok1 && ok2 && ok3, 4
	}
	return 0, false, 0
}

// sgrCodes lists the SGR parameter for each attribute bit.
var sgrCodes = [...]struct {
	a    attrs
	code string
}{
	{attrBold, "1"}, {attrFaint, "2"}, {attrItalic, "3"}, {attrBlink, "5"},
	{attrRapidBlink, "6"}, {attrReverse, "7"}, {attrConceal, "8"},
	{attrStrike, "9"}, {attrOverline, "53"},
}

// appendSGR appends an SGR sequence that changes the terminal's rendition
// from `from` to `to` (nothing if they are equal). When an attribute has to
// be switched off it starts from a reset, otherwise only what changes is
// sent.
func appendSGR(dst []byte, from, to style) []byte {
	if from == to {
		return dst
	}
	dst = append(dst, "\x1b["...)
	start := len(dst)
	sep := func() {
		if len(dst) > start {
			dst = append(dst, ';')
		}
	}
	if from.attrs&^to.attrs != 0 || (from.underline != ulNone && to.underline == ulNone) {
		dst = append(dst, '0')
		from = style{}
	}
	for _, c := range sgrCodes {
		if to.attrs&c.a != 0 && from.attrs&c.a == 0 {
			sep()
			dst = append(dst, c.code...)
		}
	}
	if to.underline != from.underline {
		sep()
		dst = append(dst, '4')
		if to.underline != ulSingle {
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(to.underline), 10)
		}
	}
	if to.fg != from.fg {
		sep()
		dst = appendColor(dst, to.fg, 30, 90, "38", "39", ';')
	}
	if to.bg != from.bg {
		sep()
		dst = appendColor(dst, to.bg, 40, 100, "48", "49", ';')
	}
	if to.ul != from.ul {
		sep()
		dst = appendColor(dst, to.ul, -1, -1, "58", "59", ':')
	}
	return append(dst, 'm')
}

// appendColor appends the SGR parameters for colour c: base+i / bright+i-8
// for the 16 ANSI colours (when base >= 0), else ext;5;n / ext;2;r;g;b
// with the given separator (the colon form also carries the empty colour
// space id), or def for the default colour.
func appendColor(dst []byte, c color, base, bright int, ext, def string, sep byte) []byte {
	switch c.kind() {
	case colorIndexed:
		n := c.index()
		switch {
		case base >= 0 && n < 8:
			return strconv.AppendInt(dst, int64(base+n), 10)
		case base >= 0 && n < 16:
			return strconv.AppendInt(dst, int64(bright+n-8), 10)
		}
		dst = append(dst, ext...)
		dst = append(dst, sep, '5', sep)
		return strconv.AppendInt(dst, int64(n), 10)
	case colorRGB:
		r, g, b := c.rgb()
		dst = append(dst, ext...)
		dst = append(dst, sep, '2', sep)
		if sep == ':' {
			dst = append(dst, ':')
		}
		dst = strconv.AppendInt(dst, int64(r), 10)
		dst = append(dst, sep)
		dst = strconv.AppendInt(dst, int64(g), 10)
		dst = append(dst, sep)
		return strconv.AppendInt(dst, int64(b), 10)
	}
	return append(dst, def...)
}
