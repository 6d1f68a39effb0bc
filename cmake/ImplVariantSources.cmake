# Which sources of an impl component a variant definition (tests/broken: MC2IMPL_FAULT=<n>,
# MC2IMPL_VENDOR_FAITHFUL=1) can change. A broken copy recompiles only those and links the
# component's other objects as the real library built them: those are the same code, because
# the definitions act only through impl/ops/common/faults.h's constants, and a source that never
# names the fault's enumerator (nor kVendorFaithful) compiles every `kFault == Fault::kX` to the
# same constant either way. Cold CI builds recompiled 226 operator sources for the copies, 160 of
# which the definition cannot reach (README, "CI time").
#
# The scan is textual and conservative: a file reaches a definition when it, or a project header
# it includes ("..." includes, resolved against its own folder and MC2_VARIANT_INCLUDE_DIRS,
# transitively), names
#   - MC2IMPL_FAULT itself, or kFault in any form other than `kFault ==/!= Fault::kName`: every fault;
#   - Fault::kName of the fault's enumerator (faults.h's `kName = <n>,`): that fault;
#   - kVendorFaithful or MC2IMPL_VENDOR_FAITHFUL: the vendor-faithful definition.
# faults.h, which defines the constants, is not itself a reason. `//` comments are ignored. Any
# other definition reaches every source. A fault hidden from the scan (a header it cannot
# resolve) would leave a copy without its fault, which that copy's gate test reports: each copy
# must be caught.

# The include roots of impl/ and the header that defines kFault and the enumerators (a test sets
# its own before including this file).
if(NOT DEFINED MC2_VARIANT_INCLUDE_DIRS)
  set(MC2_VARIANT_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/impl ${PROJECT_SOURCE_DIR}/include)
endif()
if(NOT DEFINED MC2_VARIANT_FAULTS_HEADER)
  set(MC2_VARIANT_FAULTS_HEADER ${PROJECT_SOURCE_DIR}/impl/ops/common/faults.h)
endif()

# The tokens one file names by itself: ANY, VF, or fault enumerator names (kName).
function(_mc2_variant_own_tokens out_var file)
  file(READ "${file}" text)
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  set(tokens "")
  if(NOT file STREQUAL MC2_VARIANT_FAULTS_HEADER)
    string(REGEX MATCHALL "kFault[ \t\n]*[!=]=[ \t\n]*Fault::k[A-Za-z0-9_]+" uses "${text}")
    foreach(use IN LISTS uses)
      string(REGEX MATCH "k[A-Za-z0-9_]+$" name "${use}")
      list(APPEND tokens ${name})
    endforeach()
    string(REGEX REPLACE "kFault[ \t\n]*[!=]=[ \t\n]*Fault::k[A-Za-z0-9_]+" "" rest "${text}")
    if(rest MATCHES "(^|[^A-Za-z0-9_])(kFault|MC2IMPL_FAULT)([^A-Za-z0-9_]|$)")
      list(APPEND tokens ANY)
    endif()
    if(text MATCHES "(^|[^A-Za-z0-9_])(kVendorFaithful|MC2IMPL_VENDOR_FAITHFUL)([^A-Za-z0-9_]|$)")
      list(APPEND tokens VF)
    endif()
  endif()
  set(${out_var} ${tokens} PARENT_SCOPE)
endfunction()

# The project headers a file includes with "...", resolved as the compiler would (own folder
# first, then the include roots); system and unresolvable names are skipped.
function(_mc2_variant_includes out_var file)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  get_filename_component(own_dir "${file}" DIRECTORY)
  set(found "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" name "${line}")
    foreach(dir IN ITEMS ${own_dir} ${MC2_VARIANT_INCLUDE_DIRS})
      if(EXISTS "${dir}/${name}" AND NOT IS_DIRECTORY "${dir}/${name}")
        cmake_path(ABSOLUTE_PATH name BASE_DIRECTORY "${dir}" NORMALIZE OUTPUT_VARIABLE path)
        list(APPEND found "${path}")
        break()
      endif()
    endforeach()
  endforeach()
  set(${out_var} ${found} PARENT_SCOPE)
endfunction()

# Every token a file reaches: its own and those of every project header it includes,
# transitively (a breadth-first walk, so include cycles end; each file's own scan is memoised).
function(_mc2_variant_tokens out_var file)
  set(queue "${file}")
  set(seen "${file}")
  set(tokens "")
  while(queue)
    list(POP_FRONT queue current)
    string(MD5 key "${current}")
    get_property(scanned GLOBAL PROPERTY _MC2_VARIANT_SCAN_${key} SET)
    if(NOT scanned)
      _mc2_variant_own_tokens(own "${current}")
      _mc2_variant_includes(includes "${current}")
      set_property(GLOBAL PROPERTY _MC2_VARIANT_SCAN_${key} "${own}")
      set_property(GLOBAL PROPERTY _MC2_VARIANT_INCLUDES_${key} "${includes}")
    endif()
    get_property(own GLOBAL PROPERTY _MC2_VARIANT_SCAN_${key})
    get_property(includes GLOBAL PROPERTY _MC2_VARIANT_INCLUDES_${key})
    list(APPEND tokens ${own})
    foreach(inc IN LISTS includes)
      if(NOT inc IN_LIST seen)
        list(APPEND seen "${inc}")
        list(APPEND queue "${inc}")
      endif()
    endforeach()
  endwhile()
  if(tokens)
    list(REMOVE_DUPLICATES tokens)
  endif()
  set(${out_var} ${tokens} PARENT_SCOPE)
endfunction()

# The enumerator name of fault <value> in faults.h ("" when there is none).
function(_mc2_variant_fault_name out_var value)
  file(STRINGS "${MC2_VARIANT_FAULTS_HEADER}" lines REGEX "^[ \t]*k[A-Za-z0-9_]+[ \t]*=[ \t]*${value}[ \t]*,")
  set(name "")
  if(lines)
    list(GET lines 0 line)
    string(REGEX REPLACE "^[ \t]*(k[A-Za-z0-9_]+).*$" "\\1" name "${line}")
  endif()
  set(${out_var} "${name}" PARENT_SCOPE)
endfunction()

# mc2_variant_reaching_sources(<out_var> <definition> <absolute source paths...>): the sources
# whose compiled code <definition> can change (see the top of this file).
function(mc2_variant_reaching_sources out_var definition)
  set(want "")
  if(definition MATCHES "^MC2IMPL_FAULT=([0-9]+)$")
    _mc2_variant_fault_name(name ${CMAKE_MATCH_1})
    if(name)
      set(want ANY ${name})
    endif()
  elseif(definition MATCHES "^MC2IMPL_VENDOR_FAITHFUL=")
    set(want VF)
  endif()
  set(reaching "")
  foreach(src IN LISTS ARGN)
    if(NOT want)
      list(APPEND reaching "${src}")  # an unknown definition (or fault): everything recompiled
      continue()
    endif()
    _mc2_variant_tokens(tokens "${src}")
    foreach(t IN LISTS want)
      if(t IN_LIST tokens)
        list(APPEND reaching "${src}")
        break()
      endif()
    endforeach()
  endforeach()
  set(${out_var} ${reaching} PARENT_SCOPE)
endfunction()
