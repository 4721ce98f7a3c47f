# Regression test: a channel-vectorized conv with power-of-two channel counts
# (ResNet-50 layer3's 1x1 conv, c256 -> k1024 on 7x7) must read its weights
# about once under cachegrind. Its weights used to be copied whole at root,
# k-innermost: a 4 KiB stride from one input channel to the next, whose lines
# share a few cache sets, so it measured 6.8x its compulsory bytes. With one
# contiguous panel per channel block it measures 1.004x.
#   cmake -DMEMSCHED=path/to/memsched -P channel_panel_traffic.cmake
set(layer "conv2d:n=1,c=256,h=7,w=7,k=1024,r=1,s=1,stride=1,pad=0")
execute_process(COMMAND ${MEMSCHED} measure --layer ${layer} --scheduler memsched
                        --cache LL=1MiB --calls 1 --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "measure ${layer}: exit ${rc}\n${err}")
endif()
string(JSON measured GET "${json}" measured_ll_bytes)
string(JSON compulsory GET "${json}" compulsory_bytes)
math(EXPR limit "${compulsory} * 5 / 4")
message(STATUS "measured_ll_bytes=${measured} compulsory_bytes=${compulsory}")
if(measured GREATER limit)
  message(FATAL_ERROR "${layer}: measured ${measured} B of LL traffic, more than 1.25x its "
                      "compulsory ${compulsory} B: the weights are read more than once\n${json}")
endif()
