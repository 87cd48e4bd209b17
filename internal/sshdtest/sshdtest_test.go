package sshdtest

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

func TestStartGreets(t *testing.T) {
	s := Start(t, Options{HostCertificate: true})
	c, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading greeting: %v\n%s", err, s.Logs())
	}
	if !strings.HasPrefix(line, "SSH-2.0-OpenSSH") {
		t.Fatalf("greeting %q", line)
	}
	if s.HostKey() == nil || s.HostCA() == nil {
		t.Fatal("missing host key or CA")
	}
	s.Close()
	s.Close()
}
