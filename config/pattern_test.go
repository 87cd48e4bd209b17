package config

import "testing"

func TestMatchPattern(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true},
		{"*", "web1", true},
		{"web?", "web1", true},
		{"web?", "web12", false},
		{"lab-*", "lab-db", true},
		{"lab-*", "lab", false},
		{"*.example.com", "a.b.example.com", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"", "", true},
		{"", "x", false},
		{"**", "x", true},
	}
	for _, c := range cases {
		if got := MatchPattern(c.pat, c.s); got != c.want {
			t.Errorf("MatchPattern(%q, %q) = %v, want %v", c.pat, c.s, got, c.want)
		}
	}
}

func TestMatchPatternList(t *testing.T) {
	cases := []struct {
		pats []string
		s    string
		want bool
	}{
		{[]string{"web*", "!web2"}, "web1", true},
		{[]string{"web*", "!web2"}, "web2", false},
		{[]string{"!web2"}, "db", false}, // negation alone never matches
		{[]string{"a,b"}, "b", true},
		{[]string{"WEB1"}, "web1", true},
		{[]string{"*", "!*.internal"}, "x.internal", false},
	}
	for _, c := range cases {
		if got := MatchPatternList(c.pats, c.s); got != c.want {
			t.Errorf("MatchPatternList(%q, %q) = %v, want %v", c.pats, c.s, got, c.want)
		}
	}
}
