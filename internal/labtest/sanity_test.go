package labtest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/netlab"
)

// TestLabReachesSSHD checks the lab itself: OpenSSH reaches the server
// across the NAT from the client namespace.
func TestLabReachesSSHD(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{})
	if lab == nil {
		return
	}
	out, err := exec.Command("ssh", append(lab.SSHArgs(), "echo", "across-the-nat")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "across-the-nat") {
		t.Fatalf("ssh through the lab: %v\n%s", err, out)
	}
}
