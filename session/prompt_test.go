package session

import "testing"

// Answers to the host key question are read as ssh's confirm() reads them.
func TestHostKeyReply(t *testing.T) {
	p := NewPrompt(PromptHostKey, "web1", "")
	p.Fingerprint = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"yes", "yes", true},
		{" YES \n", "yes", true},
		{"no", "no", true},
		{"No", "no", true},
		{"", "no", true},
		{"  ", "no", true},
		{"SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "yes", true},
		{"\tSHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 \r\n", "yes", true},
		{"y", "", false},
		{"n", "", false},
		{"yess", "", false},
		{"sha256:nthbg6kxupjwgl7e1igocspromtxdcarlvikw6e5sy8", "", false}, // fingerprints are case-sensitive
		{"SHA256:AAAAg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "", false},
		{"nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "", false},
	} {
		got, ok := p.HostKeyReply(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("HostKeyReply(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	// Without a fingerprint, an empty one is never taken as a match.
	q := NewPrompt(PromptHostKey, "web1", "")
	if _, ok := q.HostKeyReply("SHA256:"); ok {
		t.Error("a bare SHA256: was taken as an answer")
	}
}

func TestVisBanner(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\n":   "plain\ttext\n",
		"crlf\r\nline":    "crlf\nline",
		"\x1b[31mred":     `\033[31mred`,
		"bell\a and cr\r": `bell\007 and cr\015`,
		"del\x7f":         `del\177`,
		"c1 \u009b2J":     `c1 \302\2332J`,
		"bad \xff byte":   `bad \377 byte`,
		"ünïcödé ✓ 日本":    "ünïcödé ✓ 日本",
		`back\slash`:      `back\slash`,
	} {
		if got := VisBanner(in); got != want {
			t.Errorf("VisBanner(%q) = %q, want %q", in, got, want)
		}
	}
}
