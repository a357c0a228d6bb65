"""Compiled scoring kernel: hard rules and the seven score components in one fused pass.

numba compiles these functions (``cache=True``: once per machine, then loaded from the
on-disk cache); :func:`warm_up` loads them when the first index is built, so no request
pays the compilation. Every value is float32 with the same operations in the same order
as the numpy engine it replaced, so scores are bit-for-bit the same.

Data layout (built by :mod:`app.matching.engine_index`):

- openings: ``ji`` int32 (openings x J_*), ``jf`` float32 (openings x JF_*), ``emp``
  float32 employer value per opening; required and preferred skills (columns of the
  worker's coverage vector, and one weight per row) as fixed-width rows padded with
  entries that change nothing;
- workers: ``wi`` int32 (workers x W_*), ``wf`` float32 (workers x F_*), ``held`` the bit
  mask of certificates held (openings have ``cert_mask`` of those required), and for the
  certificates with a term their bit and last day (``exp_bit``, ``exp_day``: expiry is
  checked once per such certificate, not per required one); ``sk``/``lv`` skills, levels;
- threshold rules: ``ji[:, J_THR + r] > wi[:, W_THR + r]`` rules a pair out with bit
  ``thr_bit[r]`` (age, availability, minimum education, ...; the table is
  ``THRESHOLD_RULES`` in :mod:`app.matching.engine_index`);
- ``ji[:, J_UNCLASSIFIED]`` 1 for an opening whose title names no known trade yet: its
  skill fit (and so its preferred fit, which falls back to it) is 0, not the
  no-requirement fit;
- pair rules with their own logic take their bit from ``pb[P_*]``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

J_STATIC, J_REGION, J_COUNTY, J_KIND, J_ELIG, J_START, J_UNCLASSIFIED, J_THR = range(8)
W_COUNTY, W_KINDS, W_CARE, W_PRIORITY, W_THR = range(5)
F_MIN_WAGE, F_POLICY, F_RV = 0, 1, 2  # F_RV + JOB_REGIONS index; F_RV + 4 = own county
JF_WAGE, JF_AMENITY = 0, 1
P_REGION, P_CARE, P_KIND_INELIGIBLE, P_KIND_UNWANTED, P_CERT_MISSING, P_CERT_EXPIRED, \
    P_SKILL_GAP = range(7)
PAIR_RULES = ("region", "care_duties", "kind_ineligible", "kind_unwanted", "cert_missing",
              "cert_expired", "skill_gap")  # index = P_*
COMPONENTS = ("skill", "preferred", "wage", "region", "amenities", "policy", "employer")

_opts: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}


@nb.njit(**_opts)
def scan(jobs, all_jobs, workers, by_region, region_ends, region_county, ji, jf, emp,
         req_col, req_w, pref_col, pref_w, cert_mask,
         col_skill, col_level, thr_bit, pb, wi, wf, held, exp_bit, exp_day, sk, lv,
         sim, lf, no_req_fit, gap, comp_idx, comp_w, by_comp, in_order, total, bits, counts,
         comps_out,
         ok_pos, ok_val, out_pos, out_val, pos, scores):
    """Score every (opening in ``jobs``, worker in ``workers``) pair in one fused pass.

    ``all_jobs``: ``jobs`` is every opening in order (read as a range). The total adds
    ``comp_w[q] * component[comp_idx[q]]`` in the config's order (the float32 sum depends
    on it); ``in_order`` says that order is the kernel's, so the straight sum with
    ``by_comp`` (0 for unused components) gives the same total.

    Grid mode (``pos`` has no columns): ``total`` (unless given empty) and ``bits``
    (openings x workers) get every pair, ``counts[r]`` adds the pairs with reason bit r,
    and ``comps_out`` (pairs x 7) the component values when it has a row per pair (for
    explanations), else it is ignored.
    ``ok_pos``/``ok_val`` get the best eligible pairs (flat positions in the grid, best
    first, ties by position) and ``out_pos``/``out_val`` the best ruled-out ones; all four
    are prefilled with -1 and may be empty.

    Top mode (``pos``/``scores`` have k columns, prefilled with -1): row w gets worker w's
    k best eligible openings, best first, ties by position; a pair stops at its first
    rule-out, and nothing else is written. Openings are visited by region
    (``by_region``: positions sorted by region then county; ``region_ends``: where each
    region ends), skipping the regions the worker's region rule forbids except for
    openings in the worker's own county.
    """
    k = pos.shape[1]
    top = k > 0
    inf = np.float32(np.inf)
    big = np.int64(1) << 62
    # Best-first lists: a candidate must beat (worst, wpos); -inf until a list is full.
    ok_n, ok_worst, ok_wpos = 0, (-inf if ok_pos.size else inf), big
    out_n, out_worst, out_wpos = 0, (-inf if out_pos.size else inf), big
    keep = comps_out.shape[0] == jobs.size * workers.size
    want_total = total.size > 0 or bits.size == 0  # an empty total: not wanted
    n_thr = thr_bit.size
    n_req, n_pref, n_exp = req_col.shape[1], pref_col.shape[1], exp_bit.shape[1]
    hist = np.zeros(1 << counts.size, np.int64)  # pairs per reason-bit pattern
    w0, w1, w2, w3, w4, w5, w6 = (by_comp[0], by_comp[1], by_comp[2], by_comp[3], by_comp[4],
                                  by_comp[5], by_comp[6])
    n_w = workers.size
    # Per worker: coverage of each used (level, skill) column by its skills (the last
    # column stays 0, for padding), the stretches of openings to visit, and in top mode
    # its list's fill and the (score, position) to beat.
    cov = np.zeros((n_w, col_skill.size + 1), np.float32)
    seg_lo = np.zeros((n_w, region_ends.size), np.int64)
    seg_hi = np.zeros((n_w, region_ends.size), np.int64)
    n_seg = np.zeros(n_w, np.int64)
    filled = np.zeros(n_w, np.int64)
    worst = np.full(n_w, -inf, np.float32)
    wpos = np.full(n_w, big, np.int64)
    for b in range(n_w):
        w = workers[b]
        for c in range(col_skill.size):
            s, lvl = col_skill[c], col_level[c]
            best = np.float32(0.0)
            for t in range(sk.shape[1]):
                v = sim[s, sk[w, t]] * lf[lv[w, t], lvl]
                if v > best:
                    best = v
            cov[b, c] = best
        if not top:
            seg_hi[b, 0], n_seg[b] = jobs.size, 1
            continue
        lo = 0
        for r in range(region_ends.size):
            hi = region_ends[r]
            g = n_seg[b]
            if wf[w, F_RV + r] >= 0:  # the whole region
                seg_lo[b, g], seg_hi[b, g], n_seg[b] = lo, hi, g + 1
            elif wf[w, F_RV + 4] >= 0:  # only the worker's own county in it
                seg_lo[b, g] = lo + np.searchsorted(region_county[lo:hi], wi[w, W_COUNTY])
                seg_hi[b, g] = lo + np.searchsorted(region_county[lo:hi], wi[w, W_COUNTY],
                                                    side="right")
                n_seg[b] = g + 1
            lo = hi
    # Top mode walks the openings in blocks that stay in cache while every worker of the
    # call is scored against them (the job columns are read once per block, not per worker).
    block = 512 if top else max(jobs.size, 1)
    for a0 in range(0, jobs.size, block):
        a1 = min(a0 + block, jobs.size)
        for b in range(n_w):
            w = workers[b]
            w_county, w_kinds, w_priority = wi[w, W_COUNTY], wi[w, W_KINDS], wi[w, W_PRIORITY]
            away_bit = pb[P_CARE] if wi[w, W_CARE] else pb[P_REGION]
            w_policy, w_wage, w_held = wf[w, F_POLICY], wf[w, F_MIN_WAGE], held[w]
            w_filled, w_worst, w_wpos = filled[b], worst[b], wpos[b]
            # Branch-free where the data are unpredictable: a mispredicted branch costs more
            # than computing both sides.
            for g in range(n_seg[b]):
                for a in range(max(seg_lo[b, g], a0), min(seg_hi[b, g], a1)):
                    j = by_region[a] if top else (a if all_jobs else jobs[a])
                    # ---- hard rules
                    bb = ji[j, J_STATIC]
                    for r in range(n_thr):
                        bb |= thr_bit[r] * (ji[j, J_THR + r] > wi[w, W_THR + r])
                    is_local = ji[j, J_COUNTY] == w_county
                    region = ji[j, J_REGION]
                    rval = wf[w, F_RV + region + (4 - region) * is_local]
                    bb |= away_bit * (rval < 0)
                    kind = ji[j, J_KIND]
                    bb |= pb[P_KIND_INELIGIBLE] * ((kind != 0) & ~((w_priority != 0)
                                                                 & (ji[j, J_ELIG] == w_county)))
                    bb |= pb[P_KIND_UNWANTED] * (((w_kinds >> kind) & 1) == 0)
                    start = ji[j, J_START]
                    needs = cert_mask[j]
                    bb |= pb[P_CERT_MISSING] * ((needs & ~w_held) != 0)
                    for t in range(n_exp):  # only the worker's certificates with a term
                        bb |= pb[P_CERT_EXPIRED] * ((((needs >> exp_bit[w, t]) & 1) != 0)
                                                   & (exp_day[w, t] < start))
                    if top and bb != 0:
                        continue
                    # ---- components (a row without entries has value 0 in its first slot)
                    fit = np.float32(0.0)
                    rw = req_w[j]
                    for t in range(n_req):
                        c = cov[b, req_col[j, t]]
                        fit += rw * c
                        bb |= pb[P_SKILL_GAP] * (gap & (c <= 1e-6)
                                                 & (req_col[j, t] < col_skill.size))
                    if rw == 0:
                        fit = no_req_fit
                    if ji[j, J_UNCLASSIFIED] != 0:  # offered to nobody on skill
                        fit = np.float32(0.0)
                    if top and bb != 0:
                        continue
                    pref = np.float32(0.0)
                    pw = pref_w[j]
                    for t in range(n_pref):
                        pref += pw * cov[b, pref_col[j, t]]
                    if pw == 0:
                        pref = fit
                    wage = np.float32(0.5) + np.float32(1.5) * (jf[j, JF_WAGE] / w_wage
                                                                - np.float32(1.0))
                    wage = min(max(wage, np.float32(0.0)), np.float32(1.0))
                    region_v = max(rval, np.float32(0.0))
                    amenity = np.float32(1.0) if is_local else jf[j, JF_AMENITY]
                    employer = emp[j]
                    if in_order:
                        tot = np.float32(0.0)
                        tot += w0 * fit
                        tot += w1 * pref
                        tot += w2 * wage
                        tot += w3 * region_v
                        tot += w4 * amenity
                        tot += w5 * w_policy
                        tot += w6 * employer
                    else:
                        comps = (fit, pref, wage, region_v, amenity, w_policy, employer)
                        tot = np.float32(0.0)
                        for q in range(comp_idx.size):
                            tot += comp_w[q] * comps[comp_idx[q]]
                    if not top:
                        if want_total:
                            total[a, b] = tot
                        bits[a, b] = bb
                        if keep:
                            row = a * workers.size + b
                            comps_out[row, 0], comps_out[row, 1] = fit, pref
                            comps_out[row, 2] = wage
                            comps_out[row, 3], comps_out[row, 4] = region_v, amenity
                            comps_out[row, 5], comps_out[row, 6] = w_policy, employer
                        hist[bb] += 1
                        p = a * workers.size + b
                        if bb == 0:
                            if tot > ok_worst or (tot == ok_worst and p < ok_wpos):
                                ok_n = _insert(ok_pos, ok_val, ok_n, p, tot)
                                if ok_n == ok_pos.size:
                                    ok_worst, ok_wpos = ok_val[ok_n - 1], ok_pos[ok_n - 1]
                        elif tot > out_worst or (tot == out_worst and p < out_wpos):
                            out_n = _insert(out_pos, out_val, out_n, p, tot)
                            if out_n == out_pos.size:
                                out_worst, out_wpos = out_val[out_n - 1], out_pos[out_n - 1]
                        continue
                    if tot > w_worst or (tot == w_worst and j < w_wpos):
                        w_filled = _insert(pos[w], scores[w], w_filled, j, tot)
                        if w_filled == k:
                            w_worst, w_wpos = scores[w, k - 1], pos[w, k - 1]
                filled[b], worst[b], wpos[b] = w_filled, w_worst, w_wpos
    for pattern in range(1, hist.size):
        if hist[pattern]:
            for r in range(counts.size):
                counts[r] += hist[pattern] * ((pattern >> r) & 1)


@nb.njit(**_opts)
def _insert(ps, sc, filled, p, t):
    """Put (p, t) into best-first lists holding ``filled`` entries (ties: lower p first).

    The caller checked that it belongs there; returns the new number of entries.
    """
    k = ps.size
    i = filled if filled < k else k - 1
    while i > 0 and (sc[i - 1] < t or (sc[i - 1] == t and ps[i - 1] > p)):
        sc[i] = sc[i - 1]
        ps[i] = ps[i - 1]
        i -= 1
    sc[i] = t
    ps[i] = p
    return filled + 1 if filled < k else k


@nb.njit(**_opts)
def scan_cols(cols, thr_col, req_colT, pref_colT, cert, n_cols, emp, by_region, region_ends,
              region_county, thr_bit, pb, wi, wf, held, exp_bit, exp_day, sk, lv, col_skill,
              col_level, sim, lf, no_req_fit, gap, q_idx, q_w, workers, total, bits, counts,
              ok_pos, ok_val, out_pos, out_val, pos, scores):
    """The fused pass of :func:`scan` over column-wise openings, in blocks the CPU vectorises.

    Same rules, same float32 operations in the same order, same outputs as :func:`scan`;
    used for its two hot paths: one worker against every opening (grid mode: ``bits``
    and ``total`` (may be empty) by opening position, ``counts``, the best eligible and
    ruled-out lists with the opening's position) and every worker's top k (top mode:
    ``pos``/``scores`` have k columns). ``cols`` and the other per-opening columns are in
    region order (``by_region``): each rule and component is one short loop over a block
    of openings held in cache, with no branch a vector unit cannot take.

    ``cols`` rows: static bits, region, county, kind, eligible county, start day,
    unclassified (int32); ``thr_col`` the threshold rules' columns; ``req_colT`` and
    ``pref_colT`` skill columns (slot x opening); ``cert`` the certificate masks;
    ``n_cols`` the float32 columns wage, amenity, required weight, preferred weight; ``emp``
    the employer value. The total adds ``q_w[q] * component[q_idx[q]]`` (see :func:`scan`).
    """
    k = pos.shape[1]
    top = k > 0
    inf = np.float32(np.inf)
    big = np.int64(1) << 62
    n = by_region.size
    ok_n, ok_worst, ok_wpos = 0, (-inf if ok_pos.size else inf), big
    out_n, out_worst, out_wpos = 0, (-inf if out_pos.size else inf), big
    want_total = total.size > 0
    n_thr, n_req, n_pref = thr_bit.size, req_colT.shape[0], pref_colT.shape[0]
    n_used = col_skill.size
    B = 1024
    bb = np.empty(B, np.int32)
    comp = np.empty((7, B), np.float32)
    tot = np.empty(B, np.float32)
    acc = np.empty(B, np.float32)
    cov = np.zeros(n_used + 1, np.float32)
    seg_lo = np.zeros(region_ends.size, np.int64)
    seg_hi = np.zeros(region_ends.size, np.int64)
    c_static, c_region, c_county, c_kind = cols[0], cols[1], cols[2], cols[3]
    c_elig, c_start, c_uncl = cols[4], cols[5], cols[6]
    c_wage, c_amen, c_rw, c_pw = n_cols[0], n_cols[1], n_cols[2], n_cols[3]
    p_inel, p_unw, p_miss = pb[P_KIND_INELIGIBLE], pb[P_KIND_UNWANTED], pb[P_CERT_MISSING]
    p_exp, p_gap = pb[P_CERT_EXPIRED], pb[P_SKILL_GAP]
    rv = np.empty(5, np.float32)
    in_order = q_idx.size == 7
    for q in range(q_idx.size):
        in_order &= q_idx[q] == q
    q0 = q1 = q2 = q3 = q4 = q5 = q6 = np.float32(0.0)
    if in_order:
        q0, q1, q2, q3, q4, q5, q6 = q_w[0], q_w[1], q_w[2], q_w[3], q_w[4], q_w[5], q_w[6]
    # Reason-bit patterns counted in four interleaved histograms (no chain of increments
    # on one counter), summed at the end.
    n_pat = 1 << counts.size
    hist = np.zeros(4 * n_pat, np.int64)
    for w in workers:
        for c in range(n_used):
            s, lvl = col_skill[c], col_level[c]
            best = np.float32(0.0)
            for t in range(sk.shape[1]):
                v = sim[s, sk[w, t]] * lf[lv[w, t], lvl]
                if v > best:
                    best = v
            cov[c] = best
        w_county, w_kinds = wi[w, W_COUNTY], wi[w, W_KINDS]
        not_priority = wi[w, W_PRIORITY] == 0
        away_bit = pb[P_CARE] if wi[w, W_CARE] else pb[P_REGION]
        w_policy, w_wage, w_held = wf[w, F_POLICY], wf[w, F_MIN_WAGE], held[w]
        for r in range(5):
            rv[r] = wf[w, F_RV + r]
        rv0, rv1, rv2, rv3, rv4 = rv[0], rv[1], rv[2], rv[3], rv[4]
        n_seg = 0
        if top:
            lo = 0
            for r in range(region_ends.size):
                hi = region_ends[r]
                if rv[r] >= 0:
                    seg_lo[n_seg], seg_hi[n_seg] = lo, hi
                    n_seg += 1
                elif rv[4] >= 0:
                    seg_lo[n_seg] = lo + np.searchsorted(region_county[lo:hi], w_county)
                    seg_hi[n_seg] = lo + np.searchsorted(region_county[lo:hi], w_county,
                                                         side="right")
                    n_seg += 1
                lo = hi
        else:
            seg_lo[0], seg_hi[0], n_seg = 0, n, 1
        w_filled, w_worst, w_wpos = 0, -inf, big
        for g in range(n_seg):
            for lo in range(seg_lo[g], seg_hi[g], B):
                hi = min(lo + B, seg_hi[g])
                m = hi - lo
                # ---- hard rules
                st, reg, cty, knd = c_static[lo:hi], c_region[lo:hi], c_county[lo:hi], \
                    c_kind[lo:hi]
                elg, sta = c_elig[lo:hi], c_start[lo:hi]
                for i in range(m):
                    bb[i] = st[i]
                for r in range(0 if top else n_thr):  # top mode: for candidates only, below
                    tc, wt, tb = thr_col[r, lo:hi], wi[w, W_THR + r], np.int32(thr_bit[r])
                    for i in range(m):
                        bb[i] |= tb if tc[i] > wt else 0
                rvc, amc, amen = comp[3], comp[4], c_amen[lo:hi]
                for i in range(m):
                    local = cty[i] == w_county
                    rg = reg[i]  # selects, not a lookup: the loop stays vectorised
                    rval = rv4 if local else (rv0 if rg == 0 else (
                        rv1 if rg == 1 else (rv2 if rg == 2 else rv3)))
                    kd = knd[i]
                    b = bb[i]
                    b |= away_bit if rval < 0 else 0
                    b |= p_inel if (kd != 0) & (not_priority | (elg[i] != w_county)) else 0
                    b |= p_unw if ((w_kinds >> kd) & 1) == 0 else 0
                    bb[i] = b
                    rvc[i] = max(rval, np.float32(0.0))
                    amc[i] = np.float32(1.0) if local else amen[i]
                cm = cert[lo:hi]
                for i in range(0 if top else m):
                    bb[i] |= p_miss if (cm[i] & ~w_held) != 0 else 0
                for t in range(0 if top else exp_bit.shape[1]):
                    eb, ed = exp_bit[w, t], exp_day[w, t]
                    for i in range(m):
                        bb[i] |= p_exp if (((cm[i] >> eb) & 1) != 0) & (ed < sta[i]) else 0
                # ---- components
                fitc, prefc = comp[0], comp[1]
                rw, pw, uncl = c_rw[lo:hi], c_pw[lo:hi], c_uncl[lo:hi]
                for i in range(m):
                    acc[i] = np.float32(0.0)
                for t in range(n_req):
                    rc = req_colT[t, lo:hi]
                    if gap and not top:
                        for i in range(m):
                            cv = cov[rc[i]]
                            acc[i] += rw[i] * cv
                            bb[i] |= p_gap if (cv <= 1e-6) & (rc[i] < n_used) else 0
                    else:
                        for i in range(m):
                            acc[i] += rw[i] * cov[rc[i]]
                for i in range(m):
                    f = no_req_fit if rw[i] == 0 else acc[i]
                    fitc[i] = np.float32(0.0) if uncl[i] != 0 else f
                    acc[i] = np.float32(0.0)
                for t in range(n_pref):
                    pc = pref_colT[t, lo:hi]
                    for i in range(m):
                        acc[i] += pw[i] * cov[pc[i]]
                for i in range(m):
                    prefc[i] = fitc[i] if pw[i] == 0 else acc[i]
                wgc, jw, em, emc, pol = comp[2], c_wage[lo:hi], emp[lo:hi], comp[6], comp[5]
                if in_order:  # the seven terms in one loop, added in the same order
                    for i in range(m):
                        wage = np.float32(0.5) + np.float32(1.5) * (jw[i] / w_wage
                                                                    - np.float32(1.0))
                        wage = min(max(wage, np.float32(0.0)), np.float32(1.0))
                        tv = np.float32(0.0)
                        tv += q0 * fitc[i]
                        tv += q1 * prefc[i]
                        tv += q2 * wage
                        tv += q3 * rvc[i]
                        tv += q4 * amc[i]
                        tv += q5 * w_policy
                        tv += q6 * em[i]
                        tot[i] = tv
                else:
                    for i in range(m):
                        wage = np.float32(0.5) + np.float32(1.5) * (jw[i] / w_wage
                                                                    - np.float32(1.0))
                        wgc[i] = min(max(wage, np.float32(0.0)), np.float32(1.0))
                        emc[i] = em[i]
                        pol[i] = w_policy
                    for i in range(m):
                        tot[i] = np.float32(0.0)
                    for q in range(q_idx.size):
                        src, wq = comp[q_idx[q]], q_w[q]
                        for i in range(m):
                            tot[i] += wq * src[i]
                # ---- keep what is asked for
                if top:
                    # Scores first: the remaining rules run only for the rare opening whose
                    # score could enter the worker's list (the same rules as above).
                    for i in range(m):
                        tv = tot[i]
                        if tv < (w_worst if bb[i] == 0 else inf):
                            continue
                        a = lo + i
                        b = bb[i]  # the rules the block pass did run (static, region, kind)
                        for r in range(n_thr):
                            b |= thr_bit[r] if thr_col[r, a] > wi[w, W_THR + r] else 0
                        needs = cert[a]
                        b |= p_miss if (needs & ~w_held) != 0 else 0
                        for t in range(exp_bit.shape[1]):
                            b |= p_exp if (((needs >> exp_bit[w, t]) & 1) != 0) & (
                                exp_day[w, t] < c_start[a]) else 0
                        if gap:
                            for t in range(n_req):
                                rc = req_colT[t, a]
                                b |= p_gap if (cov[rc] <= 1e-6) & (rc < n_used) else 0
                        if b == 0:
                            j = by_region[a]
                            if tv > w_worst or (tv == w_worst and j < w_wpos):
                                w_filled = _insert(pos[w], scores[w], w_filled, j, tv)
                                if w_filled == k:
                                    w_worst, w_wpos = scores[w, k - 1], pos[w, k - 1]
                    continue
                for i in range(m):
                    j = by_region[lo + i]
                    b, tv = bb[i], tot[i]
                    bits[j] = b
                    if want_total:
                        total[j] = tv
                    hist[(i & 3) * n_pat + b] += 1
                    # One rarely taken branch: could the pair enter its list at all?
                    if tv < (ok_worst if b == 0 else out_worst):
                        continue
                    if b == 0:
                        if tv > ok_worst or (tv == ok_worst and j < ok_wpos):
                            ok_n = _insert(ok_pos, ok_val, ok_n, j, tv)
                            if ok_n == ok_pos.size:
                                ok_worst, ok_wpos = ok_val[ok_n - 1], ok_pos[ok_n - 1]
                    elif tv > out_worst or (tv == out_worst and j < out_wpos):
                        out_n = _insert(out_pos, out_val, out_n, j, tv)
                        if out_n == out_pos.size:
                            out_worst, out_wpos = out_val[out_n - 1], out_pos[out_n - 1]
    for pattern in range(1, n_pat):
        h = hist[pattern] + hist[n_pat + pattern] + hist[2 * n_pat + pattern] \
            + hist[3 * n_pat + pattern]
        if h:
            for r in range(counts.size):
                counts[r] += h * ((pattern >> r) & 1)
