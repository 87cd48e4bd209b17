package config

import "testing"

func TestParseDestination(t *testing.T) {
	cases := []struct {
		in, user, host string
		port           int
		bad            bool
	}{
		{"web", "", "web", 0, false},
		{"bob@web", "bob", "web", 0, false},
		{"bob@web:2222", "bob", "web", 2222, false},
		{"a@b@web", "a@b", "web", 0, false},
		{"[::1]:22", "", "::1", 22, false},
		{"fe80::1", "", "fe80::1", 0, false},
		{"ssh://u@h:2200", "u", "h", 2200, false},
		{"web:x", "", "", 0, true},
		{"@web", "", "", 0, true},
		{"web:0", "", "", 0, true},
		{"[::1", "", "", 0, true},
	}
	for _, c := range cases {
		u, h, p, err := ParseDestination(c.in)
		if (err != nil) != c.bad || (!c.bad && (u != c.user || h != c.host || p != c.port)) {
			t.Errorf("ParseDestination(%q) = %q %q %d %v", c.in, u, h, p, err)
		}
	}
}
