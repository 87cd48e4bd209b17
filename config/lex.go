package config

import "strings"

// This file splits configuration lines into keyword and arguments exactly
// as OpenSSH's readconf.c does (strdelim for the keyword and for Match
// criteria, argv_split for everything else).

const whitespace = " \t\r\n"

// strdelim returns the next token of s as OpenSSH's strdelim does: tokens
// end at whitespace, at a double quote (which opens a quoted part) or, when
// splitEquals is set, at a single '='. rest is the remainder, with nilRest
// set where OpenSSH's pointer would become NULL (end of input). ok is false
// where OpenSSH returns NULL (no more input, or an unmatched quote).
func strdelim(s string, nilIn, splitEquals bool) (tok, rest string, nilRest, ok bool) {
	if nilIn {
		return "", "", true, false
	}
	idx := indexDelim(s, splitEquals)
	if idx < 0 {
		return s, "", true, true
	}
	if s[idx] == '"' {
		after := s[idx+1:]
		j := strings.IndexByte(after, '"')
		if j < 0 {
			return "", "", true, false
		}
		tok = s[:idx] + after[:j]
		rest = trimLeftSpace(after[j+1:])
		return tok, rest, false, true
	}
	wspace := splitEquals && s[idx] == '='
	tok = s[:idx]
	rest = trimLeftSpace(s[idx+1:])
	if splitEquals && !wspace && strings.HasPrefix(rest, "=") {
		rest = trimLeftSpace(rest[1:])
	}
	return tok, rest, false, true
}

// indexDelim finds the first strdelim delimiter: white space, a double
// quote, or (with splitEquals) '='.
func indexDelim(s string, splitEquals bool) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r', '\n', '"':
			return i
		case '=':
			if splitEquals {
				return i
			}
		}
	}
	return -1
}

func isWhitespace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimLeftSpace drops leading " \t\r\n".
func trimLeftSpace(s string) string {
	i := 0
	for i < len(s) && isWhitespace(s[i]) {
		i++
	}
	return s[i:]
}

// argvSplit splits s into arguments as OpenSSH's argv_split does with
// terminate_on_comment set: arguments are separated by spaces or tabs,
// single or double quotes group, a backslash escapes a quote, a backslash
// or (outside quotes) a space, and a '#' at the start of an argument ends
// the line. It reports false for an unterminated quote.
func argvSplit(s string) ([]string, bool) {
	_, args, ok := argvSplitInto(nil, s)
	return args, ok
}

// argvSplitInto is argvSplit appending to buf (whose unused capacity is
// reused between lines). It returns buf extended by the arguments (a new
// array when they did not fit; any number of arguments is accepted) and
// the arguments alone, as a slice capped at its length so that appending
// to it never writes into buf.
func argvSplitInto(buf []string, s string) (grown, args []string, ok bool) {
	start := len(buf)
	args = buf
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		if c == '#' {
			break
		}
		// Fast path: a plain token with no quotes or escapes is a
		// substring of s.
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '"' && s[j] != '\'' && s[j] != '\\' {
			j++
		}
		if j == len(s) || s[j] == ' ' || s[j] == '\t' {
			args = append(args, s[i:j])
			i = j
			continue
		}
		var b strings.Builder
		b.WriteString(s[i:j])
		var quote byte
		i = j
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\':
				if i+1 < len(s) {
					n := s[i+1]
					if n == '\'' || n == '"' || n == '\\' || (quote == 0 && n == ' ') {
						i++
						b.WriteByte(n)
						continue
					}
				}
				b.WriteByte(c)
				continue
			case quote == 0 && (c == ' ' || c == '\t'):
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
				continue
			case quote != 0 && c == quote:
				quote = 0
				continue
			default:
				b.WriteByte(c)
				continue
			}
			break
		}
		if i >= len(s) && quote != 0 {
			return buf, nil, false
		}
		args = append(args, b.String())
	}
	return args, args[start:len(args):len(args)], true
}

// splitLine separates a raw configuration line into its keyword (as
// written, not lower-cased) and the text after it, as OpenSSH's
// process_config_line does. skip is true for blank lines and comments.
// noArg is true when a keyword has nothing after it.
func splitLine(line string) (keyword, rest string, skip, noArg bool) {
	// Strip trailing whitespace; OpenSSH also allows a form feed at EOL.
	end := len(line)
	for end > 0 && (isWhitespace(line[end-1]) || line[end-1] == '\f') {
		end--
	}
	line = line[:end]
	kw, rest, nilRest, ok := strdelim(line, false, true)
	if !ok {
		return "", "", true, false
	}
	if kw == "" {
		kw, rest, nilRest, ok = strdelim(rest, nilRest, true)
	}
	if !ok || kw == "" || kw[0] == '\n' || kw[0] == '#' {
		return "", "", true, false
	}
	if !nilRest {
		rest = trimLeftSpace(rest)
	}
	if nilRest || rest == "" {
		return kw, "", false, true
	}
	return kw, rest, false, false
}

// lowerASCII lower-cases ASCII letters only, as OpenSSH's lowercase() does
// in the C locale. It does not allocate when s is already lower case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
