package config

import (
	"fmt"
	"strings"
)

// sshdash tags: short labels for grouping and filtering hosts. They come
// from sshdash's settings file and from a comment inside a Host block,
// which ssh ignores:
//
//	Host db1 db2
//	    # sshdash: tags=prod,db
//	    HostName 10.0.0.5
//
// Tags are case-insensitive and kept in lower case.

// MaxTagLen is the longest tag accepted.
const MaxTagLen = 64

// tagComment is the prefix of the ssh_config comment that carries tags,
// after the '#' and any blanks.
const tagComment = "sshdash:"

// CheckTag reports why t is not a valid tag: tags are 1 to MaxTagLen
// letters, digits, '-', '_', '.' or '/'.
func CheckTag(t string) error {
	if t == "" {
		return fmt.Errorf("empty tag")
	}
	if len(t) > MaxTagLen {
		return fmt.Errorf("tag %.20q... is longer than %d characters", t, MaxTagLen)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '/':
		default:
			return fmt.Errorf("invalid tag %q (letters, digits, '-', '_', '.' and '/' only)", t)
		}
	}
	return nil
}

// AddTags returns tags with each of more appended, lower-cased, unless
// already present: the union of both, in first-seen order. It may append
// to tags' array.
func AddTags(tags []string, more ...string) []string {
	for _, t := range more {
		t = lowerASCII(t)
		dup := false
		for _, have := range tags {
			if have == t {
				dup = true
				break
			}
		}
		if !dup {
			tags = append(tags, t)
		}
	}
	return tags
}

// parseTagComment reads a "# sshdash: tags=a,b" comment line. ok is false
// for any other line (an ordinary comment, or not a comment at all); a
// tags comment with invalid tags returns ok with msg naming them, and the
// valid ones.
func parseTagComment(line string) (tags []string, msg string, ok bool) {
	s := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(s, "#") {
		return nil, "", false
	}
	s = strings.TrimLeft(s[1:], " \t")
	if len(s) < len(tagComment) || !strings.EqualFold(s[:len(tagComment)], tagComment) {
		return nil, "", false
	}
	s = strings.TrimSpace(s[len(tagComment):])
	key, val, found := strings.Cut(s, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(key), "tags") {
		return nil, fmt.Sprintf("sshdash comment %q: want \"# sshdash: tags=name,name\"", strings.TrimSpace(line)), true
	}
	var bad []string
	for _, t := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if CheckTag(t) != nil {
			bad = append(bad, t)
			continue
		}
		tags = AddTags(tags, t)
	}
	if len(bad) > 0 {
		msg = fmt.Sprintf("sshdash comment: invalid tags %q (letters, digits, '-', '_', '.' and '/' only)", bad)
	}
	return tags, msg, true
}
