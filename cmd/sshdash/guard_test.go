package main

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

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

// The guarded child's side of the status pipe, run in a child process as
// the guard runs it: its reports and the clean-exit mark arrive, in order,
// and the pipe is closed (the guard sees EOF at once). Without the guard's
// variables, or with fd 3 not a pipe, nothing is reported.
func TestGuardLinkReports(t *testing.T) {
	if os.Getenv("SSHDASH_TEST_GUARD_CHILD") == "1" {
		g := openGuardLink(os.Getenv)
		if g == nil {
			os.Exit(3)
		}
		g.report(guardAlt)
		g.report(guardMain)
		os.Exit(g.clean(0))
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestGuardLinkReports$")
	cmd.Env = append(os.Environ(), "SSHDASH_TEST_GUARD_CHILD=1", guardEnv+"=1", guardFDEnv+"=3")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, _ := io.ReadAll(r)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if string(got) != "amx" {
		t.Fatalf("the guard read %q, want \"amx\"", got)
	}

	if g := openGuardLink(func(string) string { return "" }); g != nil {
		t.Fatal("a status link without the guard's variables")
	}
	// fd 3 a regular file (not the guard's pipe): not used.
	f, err := os.CreateTemp(t.TempDir(), "fd3")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd = exec.Command(os.Args[0], "-test.run=^TestGuardLinkReports$")
	cmd.Env = append(os.Environ(), "SSHDASH_TEST_GUARD_CHILD=1", guardEnv+"=1", guardFDEnv+"=3")
	cmd.ExtraFiles = []*os.File{f}
	if err := cmd.Run(); err == nil || cmd.ProcessState.ExitCode() != 3 {
		t.Fatalf("child with a file as fd 3: %v, want exit status 3 (no link)", err)
	}
}
