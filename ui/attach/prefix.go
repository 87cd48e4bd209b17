package attach

import (
	"fmt"
	"strings"
)

// Command is an sshdash command typed after the prefix key.
type Command int

// Commands after the prefix key.
const (
	CmdNone       Command = iota
	CmdDetach             // d: back to the dashboard
	CmdNext               // n: next session
	CmdPrev               // p: previous session
	CmdJump               // 1–9: session by position
	CmdReconnect          // r: reconnect now
	CmdClose              // .: close the session
	CmdHelp               // ?: show the command keys
	CmdScrollback         // [: the scrollback view
	CmdUnknown            // anything else after the prefix
)

// DefaultPrefix is ctrl+^ (0x1e), as in mosh: rarely used by programs.
const DefaultPrefix = "ctrl+^"

// ParsePrefix converts a key name such as "ctrl+^", "ctrl+]" or "ctrl+a"
// into the byte the terminal sends for it.
func ParsePrefix(name string) (byte, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	rest, ok := strings.CutPrefix(s, "ctrl+")
	if !ok {
		rest, ok = strings.CutPrefix(s, "c-")
	}
	if !ok || len(rest) != 1 {
		if ok && rest == "space" {
			return 0, nil
		}
		return 0, fmt.Errorf("prefix key %q: want ctrl+<key>, e.g. ctrl+^ or ctrl+]", name)
	}
	c := rest[0]
	switch {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1, nil
	case c == '@' || c == '2':
		return 0, nil
	case c == '[':
		return 0, fmt.Errorf("prefix key %q is Escape, which programs need", name)
	case c == '\\' || c == '4':
		return 0x1c, nil
	case c == ']' || c == '5':
		return 0x1d, nil
	case c == '^' || c == '6':
		return 0x1e, nil
	case c == '_' || c == '-' || c == '7':
		return 0x1f, nil
	}
	return 0, fmt.Errorf("prefix key %q: no control character for %q", name, c)
}

// keyName renders a prefix byte for hints, e.g. 0x1e → "ctrl+^".
func keyName(b byte) string {
	switch {
	case b == 0:
		return "ctrl+@"
	case b >= 1 && b <= 26:
		return "ctrl+" + string(rune('a'+b-1))
	case b == 0x1c:
		return `ctrl+\`
	case b == 0x1d:
		return "ctrl+]"
	case b == 0x1e:
		return "ctrl+^"
	case b == 0x1f:
		return "ctrl+_"
	}
	return fmt.Sprintf("0x%02x", b)
}

// Segment is one piece of parsed input: bytes to send to the remote, or a
// command (with its digit for CmdJump).
type Segment struct {
	Data []byte
	Cmd  Command
	N    int // CmdJump: 1–9
}

// keyParser splits terminal input into data for the remote and prefix
// commands. It keeps the "prefix seen" state across reads, so the command
// key may arrive in a later read than the prefix.
type keyParser struct {
	prefix byte
	armed  bool
}

// Feed parses one read of terminal input. Data segments alias p.
func (k *keyParser) Feed(p []byte) []Segment {
	var out []Segment
	start := 0
	flush := func(end int) {
		if end > start {
			out = append(out, Segment{Data: p[start:end]})
		}
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !k.armed {
			if c == k.prefix {
				flush(i)
				k.armed = true
				start = i + 1
			}
			continue
		}
		k.armed = false
		start = i + 1
		switch {
		case c == k.prefix:
			out = append(out, Segment{Data: []byte{k.prefix}}) // pressed twice: send it
		case c == 'd' || c == 'D':
			out = append(out, Segment{Cmd: CmdDetach})
		case c == 'n' || c == 'N':
			out = append(out, Segment{Cmd: CmdNext})
		case c == 'p' || c == 'P':
			out = append(out, Segment{Cmd: CmdPrev})
		case c >= '1' && c <= '9':
			out = append(out, Segment{Cmd: CmdJump, N: int(c - '0')})
		case c == 'r' || c == 'R':
			out = append(out, Segment{Cmd: CmdReconnect})
		case c == '.':
			out = append(out, Segment{Cmd: CmdClose})
		case c == '[':
			out = append(out, Segment{Cmd: CmdScrollback})
		case c == '?' || c == 'h':
			out = append(out, Segment{Cmd: CmdHelp})
		default:
			out = append(out, Segment{Cmd: CmdUnknown})
		}
	}
	if !k.armed {
		flush(len(p))
	}
	return out
}
