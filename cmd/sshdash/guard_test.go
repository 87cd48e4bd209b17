package main

import "testing"

// The cursor report is found among keys typed before it, and nonsense is
// refused.
func TestParseCPR(t *testing.T) {
	for _, tc := range []struct {
		in       string
		row, col int
		ok       bool
	}{
		{"\x1b[12;40R", 12, 40, true},
		{"ls\r\x1b[3;1R", 3, 1, true},
		{"\x1b[0;5R", 0, 0, false},
		{"\x1b[12;R", 0, 0, false},
		{"\x1b[1;2", 0, 0, false},
	} {
		row, col, ok := parseCPR([]byte(tc.in))
		if row != tc.row || col != tc.col || ok != tc.ok {
			t.Errorf("parseCPR(%q) = %d, %d, %v; want %d, %d, %v", tc.in, row, col, ok, tc.row, tc.col, tc.ok)
		}
	}
}
