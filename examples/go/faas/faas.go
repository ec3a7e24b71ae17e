// Package faas is the hand-written canonical-ABI glue that makes a Go program
// (GOOS=wasip1 GOARCH=wasm -buildmode=c-shared, a WASI reactor) implement the
// faas-exec world: `export exec: func(input: string) -> string`.
//
// Standard Go has no component-model bindings generator, so this package
// exports by hand what the component's `canon lift` of `exec` calls:
//   - cabi_realloc(old_ptr, old_size, align, new_size) -> ptr: the host
//     allocates the input string with it;
//   - exec(ptr, len) -> ret: ret points to 8 bytes holding the result
//     string's (ptr, len);
//   - cabi_post_exec(ret): the host has copied the result, release it.
//
// Go's garbage collector does not move objects, but it frees the ones nothing
// references: every buffer handed to the host is kept in `pinned` until the
// host is done with it. Printing to stdout (fmt.Println) goes through WASI
// preview 1 fd_write, which the preview1 adapter turns into wasi:cli/stdout.
//
// The adapter needs memory of its own, which it asks the module for on its
// first call, and that first call comes from inside the Go runtime's own
// start-up (_initialize reads the clock and random bytes). A Go allocation
// there re-enters the runtime before it is ready, and the adapter's fallback
// (growing linear memory itself) collides with the Go heap, which assumes it
// owns all memory past its data. So the module also exports
// cabi_realloc_adapter, which wit-component hands to the adapter instead of
// cabi_realloc: a bump allocator over a fixed array in the Go program's data
// (never part of the heap) that touches no runtime state.
package faas

import "unsafe"

// Handler computes the output string of one exec call.
type Handler func(input string) string

var (
	handler Handler
	// Buffers the host may still read or write, keyed by address.
	pinned = map[uintptr][]byte{}
	// The return area of exec: the result's address and length.
	returnArea [2]uint32
)

// Export registers the function's handler; call it from an init function
// (in a reactor main.main never runs).
func Export(h Handler) { handler = h }

func pin(buffer []byte) uint32 {
	address := uintptr(unsafe.Pointer(unsafe.SliceData(buffer)))
	pinned[address] = buffer
	return uint32(address)
}

func unpin(address uint32) { delete(pinned, uintptr(address)) }

// adapterArena holds the preview1 adapter's state and stack: 128 KiB with
// Wasmtime 48's adapter (measured), so half of it is headroom.
var (
	adapterArena [4 * 65536]byte
	adapterUsed  uintptr
)

// cabiReallocAdapter only ever allocates: the adapter never frees or grows
// what it got. Running out is a bug (the arena is too small) and traps.
//
//go:wasmexport cabi_realloc_adapter
//go:nosplit
func cabiReallocAdapter(oldPtr, oldSize, align, newSize uint32) uint32 {
	base := uintptr(unsafe.Pointer(&adapterArena[0]))
	start := (base + adapterUsed + uintptr(align) - 1) &^ (uintptr(align) - 1)
	end := start + uintptr(newSize)
	if oldPtr != 0 || end > base+uintptr(len(adapterArena)) {
		panic("faas: the WASI adapter asked for more memory than adapterArena holds")
	}
	adapterUsed = end - base
	return uint32(start)
}

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	if newSize == 0 {
		// A valid, aligned, non-null address for an empty buffer.
		return align
	}
	// Go aligns an allocation to the largest power of two (up to 8, the
	// canonical ABI's largest alignment) that divides its size: round the
	// size up to a multiple of align.
	buffer := make([]byte, (newSize+align-1)&^(align-1))[:newSize]
	if oldPtr != 0 {
		if old, ok := pinned[uintptr(oldPtr)]; ok {
			copy(buffer, old[:min(oldSize, newSize)])
			unpin(oldPtr)
		}
	}
	return pin(buffer)
}

//go:wasmexport exec
func exec(ptr, length uint32) uint32 {
	// The host wrote the input into a buffer it got from cabi_realloc.
	var input string
	if buffer, ok := pinned[uintptr(ptr)]; ok && int(length) <= len(buffer) {
		input = string(buffer[:length])
	}
	unpin(ptr) // the input is ours to free once read
	output := []byte(handler(input))
	if len(output) == 0 {
		returnArea = [2]uint32{1, 0}
	} else {
		returnArea = [2]uint32{pin(output), uint32(len(output))}
	}
	return uint32(uintptr(unsafe.Pointer(&returnArea)))
}

//go:wasmexport cabi_post_exec
func cabiPostExec(ret uint32) {
	unpin(returnArea[0])
	returnArea = [2]uint32{}
}
