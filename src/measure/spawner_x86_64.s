# gostart's probe spawner (x86-64 Linux, no libc): `spawner PROGRAM ARGS...` with the report
# pipe as its stdin (fd 0), so that gostart can start it with posix_spawn and no pre-exec hook.
# Forks; the child keeps a close-on-exec copy of the pipe, puts /dev/null on fd 0 and execs
# PROGRAM with its own argv and environment; the spawner reaps it with wait4 and writes one
# record to fd 0. Being a few pages big, its memory does not inflate the child's max RSS.
# Records (little-endian):
#   kind 1, t0 timespec, t1 timespec, wait status (i32 + 4 pad), struct rusage (144 bytes): 192 bytes
#   kind 2, -errno of execve (written by the child; it then exits 127): 16 bytes
#   kind 3, -errno of fork or wait4 (the spawner then exits 126): 16 bytes
.intel_syntax noprefix
.globl _start
_start:
    mov rcx, [rsp]
    lea r12, [rsp+16]
    lea r13, [rsp+rcx*8+16]
    sub rsp, 256
    and rsp, -16
    mov qword ptr [rsp], 1
    mov eax, 228
    mov edi, 1
    lea rsi, [rsp+8]
    syscall
    mov eax, 57
    syscall
    test rax, rax
    jz child
    js failed
    mov r14, rax
wait:
    mov eax, 61
    mov rdi, r14
    lea rsi, [rsp+40]
    xor edx, edx
    lea r10, [rsp+48]
    syscall
    cmp rax, -4
    je wait
    test rax, rax
    js failed
    mov eax, 228
    mov edi, 1
    lea rsi, [rsp+24]
    syscall
    mov eax, 1
    xor edi, edi
    mov rsi, rsp
    mov edx, 192
    syscall
    xor edi, edi
    mov eax, 60
    syscall
child:
    mov eax, 72
    xor edi, edi
    mov esi, 1030
    mov edx, 3
    syscall
    mov r15, rax
    mov eax, 2
    lea rdi, [rip+devnull]
    xor esi, esi
    syscall
    mov rbx, rax
    mov rdi, rax
    mov eax, 33
    xor esi, esi
    syscall
    mov eax, 3
    mov rdi, rbx
    syscall
    mov eax, 59
    mov rdi, [r12]
    mov rsi, r12
    mov rdx, r13
    syscall
    mov qword ptr [rsp], 2
    mov [rsp+8], rax
    mov eax, 1
    mov rdi, r15
    mov rsi, rsp
    mov edx, 16
    syscall
    mov edi, 127
    mov eax, 60
    syscall
failed:
    mov qword ptr [rsp], 3
    mov [rsp+8], rax
    mov eax, 1
    xor edi, edi
    mov rsi, rsp
    mov edx, 16
    syscall
    mov edi, 126
    mov eax, 60
    syscall
devnull:
    .asciz "/dev/null"
