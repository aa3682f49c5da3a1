# The engine as a WebAssembly module for the page, in two variants built from the same sources:
#
#   cpg_wasm          -> dist/cpg.js + dist/cpg.wasm                 SIMD, for current engines
#   cpg_wasm_nosimd   -> dist/cpg-nosimd.js + dist/cpg-nosimd.wasm   fallback: WebAssembly 1.0 only
#
# and each again as a smaller core module (dist/cpg-core.*, dist/cpg-nosimd-core.*), which the
# page's training worker loads on the first visit (see cpg_add_wasm_module below).
#
# web/engine/load.ts picks one at run time with wasm-feature-detect: the SIMD build needs 128-bit
# SIMD and native exception handling, which every engine with SIMD except a few 2021 releases has
# (and bulk memory and non-trapping float-to-int, which every engine with SIMD has; load.ts checks all four).
# Code-generation flags differ, so the engine is compiled once per variant; the plain cpg_engine
# library of the top-level CMakeLists is left out of the default build here (nothing links it).
#
# Included from the top-level CMakeLists when configured with emcmake; ENGINE_SOURCES and the
# usage requirements of cpg_engine (include paths, -ffp-contract=off, warnings) come from there.
# scripts/build-wasm.sh builds both and copies them next to load.ts.

set(CPG_WASM_DIST ${CMAKE_BINARY_DIR}/dist)

set_target_properties(cpg_engine PROPERTIES EXCLUDE_FROM_ALL TRUE)

# Code run once per configure (graph parsing, validation, baselines, the bindings themselves) or
# once per click (the lemma view and the stationary law of theory.cpp, the probe, the
# interventions' entry lists) is optimized for size: it is half of the module and none of the
# training time.
set_source_files_properties(
  cpp/engine/graph.cpp cpp/engine/config.cpp cpp/engine/bayes.cpp cpp/wasm/bindings.cpp cpp/wasm/js_config.cpp cpp/json/reproduce_json.cpp
  cpp/wasm/js_full_module.cpp cpp/engine/theory.cpp cpp/engine/probe.cpp cpp/engine/interventions.cpp cpp/engine/trainer.cpp
  PROPERTIES COMPILE_OPTIONS -Os)

# Flags of the SIMD build, used both to compile and to link.
set(CPG_WASM_SIMD_FLAGS
  -O3                 # the hot loops are the point; same level as the native Release build
  -msimd128           # 128-bit SIMD: axpy loops autovectorize, dot is hand-written (kernels.hpp)
  -fwasm-exceptions   # native exception handling: free when nothing throws (JS-emulated is slow with LTO)
  -flto               # whole-program inlining across the engine and the bindings; also smaller
  -mbulk-memory       # memset/memcpy as single instructions (2-3% of a step); every engine with SIMD has it
  -mnontrapping-fptoint  # float-to-int without a range check; likewise (the same values where the old one did not trap)
)

# Flags of the fallback build, used both to compile and to link.
set(CPG_WASM_FALLBACK_FLAGS
  -O3                 # as above
  -fexceptions        # exceptions emulated through JS, which engines without SIMD also run
)

# Linker flags shared by both variants.
set(CPG_WASM_LINK_OPTIONS
  -sEXPORTED_FUNCTIONS=[_cpg_request,_cpg_call]  # cpp/wasm/bindings.cpp's entry point; web/engine/wire.ts calls it
  -sMODULARIZE=1                   # a factory, createCpgModule(options), instead of a global Module
  -sEXPORT_ES6=1                   # an ES module: `import createCpgModule from './cpg.js'`
  -sEXPORT_NAME=createCpgModule    # the factory's name (the module's default export)
  -sENVIRONMENT=web,worker         # page and module worker; Node tests pass `wasmBinary` instead
  -sFILESYSTEM=0                   # no files: config in, typed arrays out
  -sALLOW_MEMORY_GROWTH=1          # batch and test-set sizes are the user's choice
  -sINCOMING_MODULE_JS_API=[wasmBinary,locateFile,print,printErr,onAbort]  # the factory options load.ts may pass; drops code for the rest
)

# One variant: the engine compiled with `flags` into a library, and two modules linked from it.
#   full  (${output_name})       every model, the lemma view and Figure 9's sweep: the science
#                                 parts of the page and its experiment workers load it on first use
#   core  (${output_name}-core)  what the first visit needs to train: the CatFormer of one or two
#                                 layers without MLP sublayers. trainer.cpp and catformer.cpp are
#                                 compiled again with CPG_ENGINE_CORE (catformer.hpp's kAllModels),
#                                 which leaves the standard model, the MLP sublayers and the dense
#                                 layers (and with them Eigen's products) out, and the bindings without
#                                 the lemma view and Figure 9. The linker takes those two objects
#                                 instead of the library's copies, and drops what nothing calls.
function(cpg_add_wasm_module target output_name)
  set(flags ${ARGN})
  add_library(${target}_engine STATIC ${ENGINE_SOURCES})
  # The same include paths and options as cpg_engine, so both variants compile the code that
  # the native build tests.
  target_include_directories(${target}_engine PUBLIC $<TARGET_PROPERTY:cpg_engine,INTERFACE_INCLUDE_DIRECTORIES>)
  target_include_directories(${target}_engine SYSTEM PUBLIC
    $<TARGET_PROPERTY:cpg_engine,INTERFACE_SYSTEM_INCLUDE_DIRECTORIES>)
  target_compile_options(${target}_engine PUBLIC $<TARGET_PROPERTY:cpg_engine,INTERFACE_COMPILE_OPTIONS> ${flags})
  target_compile_definitions(${target}_engine PUBLIC $<TARGET_PROPERTY:cpg_engine,INTERFACE_COMPILE_DEFINITIONS>)

  # Full: the bindings, the lemma view and Figure 9's calls, and the JSON of the reproductions
  # (the CLI prints the same).
  add_executable(${target} cpp/wasm/bindings.cpp cpp/wasm/js_config.cpp cpp/wasm/js_full_module.cpp
                 cpp/json/reproduce_json.cpp)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cpp/json)
  # Figure 9's objects through the small cpg::JsonValue, not nlohmann::json (reproduce_json.hpp).
  target_compile_definitions(${target} PRIVATE CPG_JSON_VALUE)
  target_link_libraries(${target} PRIVATE ${target}_engine)
  target_link_options(${target} PRIVATE ${flags} ${CPG_WASM_LINK_OPTIONS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${output_name}
    SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY ${CPG_WASM_DIST})

  # Core: the training module of the first visit.
  add_executable(${target}_core cpp/wasm/bindings.cpp cpp/wasm/js_config.cpp cpp/engine/trainer.cpp cpp/engine/catformer.cpp)
  target_compile_definitions(${target}_core PRIVATE CPG_ENGINE_CORE)
  target_link_libraries(${target}_core PRIVATE ${target}_engine)
  target_link_options(${target}_core PRIVATE ${flags} ${CPG_WASM_LINK_OPTIONS})
  set_target_properties(${target}_core PROPERTIES
    OUTPUT_NAME ${output_name}-core
    SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY ${CPG_WASM_DIST})
endfunction()

cpg_add_wasm_module(cpg_wasm cpg ${CPG_WASM_SIMD_FLAGS})
cpg_add_wasm_module(cpg_wasm_nosimd cpg-nosimd ${CPG_WASM_FALLBACK_FLAGS})
