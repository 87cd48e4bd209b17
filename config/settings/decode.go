package settings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/keepalive"
)

// Limits on heartbeat values: wider than anyone needs, narrow enough to
// catch typos ("count = 300", "interval = \"15ms\"").
const (
	MinInterval = time.Second
	MaxInterval = 24 * time.Hour
	MaxCount    = 100
)

// syntaxError is a TOML syntax error; its line is in the enclosing *Error.
type syntaxError struct{ pe toml.ParseError }

// Error is the decoder's message without its own line prefix.
func (e syntaxError) Error() string { return "invalid TOML: " + e.pe.Message }

// Unwrap returns the toml.ParseError.
func (e syntaxError) Unwrap() error { return e.pe }

// parse decodes text. Only a TOML syntax error is returned; invalid values
// are collected in File.errs.
func parse(path, text string) (*File, error) {
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			// An error found at a line's newline ("got '\n' instead") is
			// reported by the decoder on the next line; count from the offset.
			if st := pe.Position.Start; st >= 0 && st < len(text) && text[st] == '\n' {
				line = strings.Count(text[:st], "\n") + 1
			}
			return nil, &Error{Path: path, Line: line, Err: syntaxError{pe}}
		}
		return nil, &Error{Path: path, Err: fmt.Errorf("invalid TOML: %w", err)}
	}
	d := &decoder{f: &File{path: path, text: text}, lay: scan(text)}
	d.top(raw)
	slices.SortStableFunc(d.f.errs, func(a, b *Error) int { return a.Line - b.Line })
	return d.f, nil
}

// decoder turns the generic TOML tree into a File, checking every value.
type decoder struct {
	f   *File
	lay *layout
}

func (d *decoder) fail(path, format string, args ...any) {
	d.f.errs = append(d.f.errs, &Error{Path: d.f.path, Line: d.lay.lineOf(path), Key: path, Err: fmt.Errorf(format, args...)})
}

func (d *decoder) unknown(path, key string, known string) {
	d.fail(path, "unknown key %q (known here: %s)", key, known)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (d *decoder) top(raw map[string]any) {
	var hb map[string]any
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		switch k {
		case "theme":
			if s, ok := d.str(k, v); ok {
				if !validName(s) {
					d.fail(k, "invalid theme name %q (auto, dark, light, high-contrast or a palette name: letters, digits, '-', '_')", s)
				} else {
					d.f.theme = s
				}
			}
		case "prefix":
			if s, ok := d.str(k, v); ok {
				if s == "" || strings.ContainsAny(s, " \t") {
					d.fail(k, "invalid prefix key %q (write e.g. \"ctrl+^\" or \"ctrl+b\")", s)
				} else {
					d.f.prefix = s
				}
			}
		case "statusbar":
			if b, ok := v.(bool); ok {
				d.f.statusBar = &b
			} else {
				d.fail(k, "want true or false, got %s", typeName(v))
			}
		case "scrollback":
			if n, ok := v.(int64); ok && n >= 0 && n <= MaxScrollback {
				i := int(n)
				d.f.scrollback = &i
			} else {
				d.fail(k, "want a number of lines from 0 to %d, got %v", MaxScrollback, v)
			}
		case "reattach":
			d.reattach(k, v, &d.f.global)
		case "detached-ttl":
			if ttl, err := parseTTL(v); err == nil {
				d.f.detachedTTL = &ttl
			} else {
				d.fail(k, "%v", err)
			}
		case "heartbeat":
			if m, ok := v.(map[string]any); ok {
				hb = m
			} else {
				d.fail(k, "want a table [heartbeat], got %s", typeName(v))
			}
		case "host":
			d.hosts(k, v)
		case "notify":
			d.notify(k, v)
		default:
			d.unknown(k, k, "theme, prefix, statusbar, scrollback, reattach, detached-ttl, notify, [heartbeat], [[host]]")
		}
	}
	if hb != nil { // after the top-level reattach, to spot it set twice
		d.entry("heartbeat", hb, &d.f.global, nil)
	}
}

func (d *decoder) hosts(path string, v any) {
	var elems []map[string]any
	switch x := v.(type) {
	case []map[string]any:
		elems = x
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				d.fail(fmt.Sprintf("%s[%d]", path, i), "want a table, got %s", typeName(e))
				continue
			}
			elems = append(elems, m)
		}
	default:
		d.fail(path, "want [[host]] tables, got %s", typeName(v))
		return
	}
	for i, m := range elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		h := Host{Line: d.lay.lineOf(p)}
		var tags []string
		if !d.entry(p, m, &h, &tags) {
			continue
		}
		d.f.hosts = append(d.f.hosts, h)
		d.f.hostPaths = append(d.f.hostPaths, p)
		d.f.hostTags = append(d.f.hostTags, tags)
	}
}

// entry decodes a [[host]] entry (tags not nil: its tags go there) or
// [heartbeat] (tags nil) into h. It reports whether h is usable (a host
// entry needs a valid match).
func (d *decoder) entry(path string, m map[string]any, h *Host, tags *[]string) bool {
	isHost := tags != nil
	known := "mode, interval, count, reattach"
	if isHost {
		known = "match, " + known + ", tags, record, record-input, watch"
	}
	usable := !isHost
	for _, k := range sortedKeys(m) {
		v, p := m[k], path+"."+k
		switch k {
		case "match":
			if !isHost {
				d.unknown(p, k, known)
				continue
			}
			if s, ok := d.str(p, v); ok {
				if err := checkMatch(s); err != nil {
					d.fail(p, "%v", err)
				} else {
					h.Match, usable = normalizeMatch(s), true
				}
			}
		case "mode":
			if s, ok := d.str(p, v); ok {
				if mode, err := keepalive.ParseMode(s); err != nil {
					d.fail(p, "%v", err)
				} else {
					h.Mode = mode
				}
			}
		case "interval":
			if dur, ok := d.duration(p, v); ok {
				h.Interval = dur
			}
		case "count":
			if n, ok := d.count(p, v); ok {
				h.Count = n
			}
		case "reattach":
			if !isHost && h.Reattach != "" {
				d.fail(p, "reattach is also set at the top level (line %d); keep one", d.lay.lineOf("reattach"))
				continue
			}
			d.reattach(p, v, h)
		case "tags":
			if !isHost {
				d.unknown(p, k, known)
				continue
			}
			*tags = d.tags(p, v)
		case "record", "record-input":
			if !isHost {
				d.unknown(p, k, known)
				continue
			}
			d.record(p, k, v, h)
		case "watch":
			if !isHost {
				d.unknown(p, k, known)
				continue
			}
			d.watchItems(p, v, h)
		default:
			d.unknown(p, k, known)
		}
	}
	if isHost && !usable {
		if _, ok := m["match"]; !ok {
			d.fail(path, "[[host]] entry without match = \"pattern\"; it is ignored")
		}
	}
	return usable
}

func (d *decoder) reattach(path string, v any, h *Host) {
	if s, ok := d.str(path, v); ok {
		if err := CheckReattach(s); err != nil {
			d.fail(path, "%v", err)
		} else {
			h.Reattach = s
		}
	}
}

// tags decodes a [[host]] entry's tags: an array of strings, each a
// valid tag (see config.CheckTag). Invalid ones are reported and left out;
// duplicates are dropped.
func (d *decoder) tags(path string, v any) []string {
	arr, ok := v.([]any)
	if !ok {
		d.fail(path, "want an array of strings such as [\"prod\", \"db\"], got %s", typeName(v))
		return nil
	}
	var out []string
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			d.fail(path, "tag %d: want a string, got %s", i+1, typeName(e))
			continue
		}
		if err := config.CheckTag(s); err != nil {
			d.fail(path, "%v", err)
			continue
		}
		out = config.AddTags(out, s)
	}
	return out
}

func (d *decoder) str(path string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.fail(path, "want a string, got %s", typeName(v))
	}
	return s, ok
}

// duration accepts a Go duration string ("15s", "1m30s") or an integer
// number of seconds, as ssh_config's ServerAliveInterval.
func (d *decoder) duration(path string, v any) (time.Duration, bool) {
	var dur time.Duration
	switch x := v.(type) {
	case string:
		var err error
		if dur, err = time.ParseDuration(x); err != nil {
			d.fail(path, "invalid duration %q (write e.g. \"15s\" or \"1m30s\")", x)
			return 0, false
		}
	case int64:
		if x > int64(MaxInterval/time.Second) || x < 0 {
			d.fail(path, "%d seconds is out of range (%s to %s)", x, MinInterval, MaxInterval)
			return 0, false
		}
		dur = time.Duration(x) * time.Second
	default:
		d.fail(path, "want a duration such as \"15s\", got %s", typeName(v))
		return 0, false
	}
	if dur < MinInterval || dur > MaxInterval {
		hint := ""
		if dur <= 0 {
			hint = `; to turn heartbeats off write mode = "off"`
		}
		d.fail(path, "interval %s is out of range (%s to %s)%s", dur, MinInterval, MaxInterval, hint)
		return 0, false
	}
	return dur, true
}

func (d *decoder) count(path string, v any) (int, bool) {
	n, ok := v.(int64)
	if !ok {
		d.fail(path, "want a whole number, got %s", typeName(v))
		return 0, false
	}
	if n < 1 || n > MaxCount {
		d.fail(path, "count %d is out of range (1 to %d)", n, MaxCount)
		return 0, false
	}
	return int(n), true
}

// typeName names a decoded TOML value's type for messages.
func typeName(v any) string {
	switch x := v.(type) {
	case string:
		return "string " + strconv.Quote(x)
	case int64:
		return "integer " + strconv.FormatInt(x, 10)
	case float64:
		return "float " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case time.Time:
		return "datetime"
	case []any, []map[string]any:
		return "array"
	case map[string]any:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}

// validName reports whether s is a plausible palette name.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBare(s[i]) {
			return false
		}
	}
	return true
}
