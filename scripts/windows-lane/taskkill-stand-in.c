/*
 * A stand-in for `taskkill /T /F /PID <pid>`, used only by the Windows lane under Wine: Wine 8's
 * taskkill has no /T. Berth keeps calling taskkill's real command line; the lane puts this program
 * first on PATH. It ends the process and every process it started (by parent pid), and exits as
 * taskkill does: 0 when it ended them, 128 when no process has that pid. Any other command line is
 * passed on to Wine's own taskkill.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <wchar.h>

#define MAX_PROCESSES 4096

static int end_process(DWORD pid) {
  HANDLE process = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
  if (process == NULL) return 0;
  BOOL ended = TerminateProcess(process, 1);
  CloseHandle(process);
  return ended;
}

static int pass_on(void) {
  wchar_t system[MAX_PATH], command[32768];
  GetSystemDirectoryW(system, MAX_PATH);
  const wchar_t *line = GetCommandLineW();
  /* Skip our own program name, quoted or not. */
  if (*line == L'"') { line = wcschr(line + 1, L'"'); line = line ? line + 1 : L""; }
  else { while (*line && *line != L' ') line++; }
  _snwprintf(command, 32768, L"\"%ls\\taskkill.exe\"%ls", system, line);
  STARTUPINFOW startup = { sizeof startup };
  PROCESS_INFORMATION info;
  if (!CreateProcessW(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &info)) return 1;
  DWORD code = 1;
  WaitForSingleObject(info.hProcess, INFINITE);
  GetExitCodeProcess(info.hProcess, &code);
  return (int)code;
}

int wmain(int argc, wchar_t **argv) {
  int tree = 0;
  DWORD root = 0;
  for (int i = 1; i < argc; i++) {
    if (_wcsicmp(argv[i], L"/T") == 0) tree = 1;
    else if (_wcsicmp(argv[i], L"/PID") == 0 && i + 1 < argc) root = wcstoul(argv[++i], NULL, 10);
    else if (_wcsicmp(argv[i], L"/F") != 0) return pass_on();
  }
  if (!tree || root == 0) return pass_on();

  static PROCESSENTRY32W all[MAX_PROCESSES];
  int count = 0;
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  PROCESSENTRY32W entry = { sizeof entry };
  for (BOOL more = Process32FirstW(snapshot, &entry); more && count < MAX_PROCESSES; more = Process32NextW(snapshot, &entry)) all[count++] = entry;
  CloseHandle(snapshot);

  /* The tree, breadth first: the root, then every process whose parent is already in it. */
  static DWORD tree_pids[MAX_PROCESSES];
  int size = 0, found = 0;
  for (int i = 0; i < count; i++) if (all[i].th32ProcessID == root) found = 1;
  if (!found) {
    fwprintf(stderr, L"ERROR: The process \"%lu\" not found.\n", root);
    return 128;
  }
  tree_pids[size++] = root;
  for (int next = 0; next < size; next++) {
    for (int i = 0; i < count; i++) {
      if (all[i].th32ParentProcessID == tree_pids[next] && all[i].th32ProcessID != root && size < MAX_PROCESSES) tree_pids[size++] = all[i].th32ProcessID;
    }
  }
  /* Parents first: every pid is known already, and a parent ended cannot start another child. */
  for (int i = 0; i < size; i++) {
    if (end_process(tree_pids[i])) wprintf(L"SUCCESS: The process with PID %lu has been terminated.\n", tree_pids[i]);
  }
  return 0;
}
