/**
 * Per-row loss kernels: plain Java on primitive arrays, no Spark, no allocation. Each follows the
 * operation order of PyTorch 2.x's CPU kernel so that results agree to the last few bits.
 */
package io.github.sparkloss.kernel;
