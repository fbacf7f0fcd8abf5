// Package claims measures every Go number and behaviour that Leakbook's chapters state: compressor sizes,
// the empty gzip body, gin-contrib/gzip's pool and preflight behaviour, parked goroutines on stopped
// tickers, the goroutineleak profile, asynctimerchan, the map plateau after delete, debug.FreeOSMemory,
// Gin's Abort and excelize's streaming reader. The chapters quote the values these tests log
// (go test -v ./...), with the Go and module versions in go.mod.
package claims
