package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// sshStyleMessage says why a connection could not be made in ssh's words
// where ssh has them, so scripts and people used to ssh read it the same:
//
//	Could not resolve hostname nosuchhost.invalid: Name or service not known
//	connect to host 127.0.0.1 port 1: Connection refused
//	connect to host 10.0.0.9 port 22: Connection timed out
//
// Other failures (host key, authentication, a refusal after login) keep
// sshdash's own sentence, which names what failed and where.
func sshStyleMessage(err error) string {
	if err == nil {
		return "the session failed"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		reason := dnsErr.Err
		switch {
		case dnsErr.IsNotFound:
			reason = "Name or service not known"
		case dnsErr.IsTimeout, dnsErr.IsTemporary:
			reason = "Temporary failure in name resolution"
		}
		return fmt.Sprintf("Could not resolve hostname %s: %s", dnsErr.Name, reason)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && op.Addr != nil {
		host, port, splitErr := net.SplitHostPort(op.Addr.String())
		if splitErr == nil {
			return fmt.Sprintf("connect to host %s port %s: %s", host, port, dialReason(op))
		}
	}
	return err.Error()
}

// dialReason is the reason of a failed TCP connect as ssh prints it
// (strerror's words).
func dialReason(op *net.OpError) string {
	var errno syscall.Errno
	switch {
	case op.Timeout():
		return "Connection timed out"
	case errors.As(op.Err, &errno):
		return capitalize(errno.Error())
	}
	return capitalize(op.Err.Error())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
