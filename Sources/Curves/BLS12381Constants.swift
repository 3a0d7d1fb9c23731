// Constants of BLS12-381 in Montgomery form, computed once with Python integers from their
// definitions (stated next to each); the tests check each against its defining property.

extension BLS12381Fp12 {
    /// γ_1 = ξ^(1·(p − 1)/6), ξ = 1 + u: the Frobenius twist of the w^1 coefficient.
    @usableFromInline static let frobGamma1 = BLS12381Fp2(
        BLS12381Fp(l0: 0x0708_9552_b319_d465, l1: 0xc669_5f92_b50a_8313, l2: 0x97e8_3ccc_d117_228f, l3: 0xa35b_aeca_b2dc_29ee, l4: 0x1ce3_93ea_5daa_ce4d, l5: 0x08f2_220f_b0fb_66eb),
        BLS12381Fp(l0: 0xb2f6_6aad_4ce5_d646, l1: 0x5842_a06b_fc49_7cec, l2: 0xcf48_95d4_2599_d394, l3: 0xc11b_9cba_40a8_e8d0, l4: 0x2e38_13cb_e5a0_de89, l5: 0x110e_efda_8884_7faf))
    /// γ_2 = ξ^(2·(p − 1)/6), ξ = 1 + u: the Frobenius twist of the w^2 coefficient.
    @usableFromInline static let frobGamma2 = BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0xcd03_c9e4_8671_f071, l1: 0x5dab_2246_1fcd_a5d2, l2: 0x5870_42af_d385_1b95, l3: 0x8eb6_0ebe_01ba_cb9e, l4: 0x03f9_7d6e_83d0_50d2, l5: 0x18f0_2065_5463_8741))
    /// γ_3 = ξ^(3·(p − 1)/6), ξ = 1 + u: the Frobenius twist of the w^3 coefficient.
    @usableFromInline static let frobGamma3 = BLS12381Fp2(
        BLS12381Fp(l0: 0x7bcf_a7a2_5aa3_0fda, l1: 0xdc17_dec1_2a92_7e7c, l2: 0x2f08_8dd8_6b4e_bef1, l3: 0xd1ca_2087_da74_d4a7, l4: 0x2da2_5966_96ce_bc1d, l5: 0x0e2b_7eed_bbfd_87d2),
        BLS12381Fp(l0: 0x7bcf_a7a2_5aa3_0fda, l1: 0xdc17_dec1_2a92_7e7c, l2: 0x2f08_8dd8_6b4e_bef1, l3: 0xd1ca_2087_da74_d4a7, l4: 0x2da2_5966_96ce_bc1d, l5: 0x0e2b_7eed_bbfd_87d2))
    /// γ_4 = ξ^(4·(p − 1)/6), ξ = 1 + u: the Frobenius twist of the w^4 coefficient.
    @usableFromInline static let frobGamma4 = BLS12381Fp2(
        BLS12381Fp(l0: 0x890d_c9e4_8675_45c3, l1: 0x2af3_2253_3285_a5d5, l2: 0x5088_0866_309b_7e2c, l3: 0xa20d_1b8c_7e88_1024, l4: 0x14e4_f04f_e2db_9068, l5: 0x14e5_6d3f_1564_853a),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000))
    /// γ_5 = ξ^(5·(p − 1)/6), ξ = 1 + u: the Frobenius twist of the w^5 coefficient.
    @usableFromInline static let frobGamma5 = BLS12381Fp2(
        BLS12381Fp(l0: 0x82d8_3cf5_0dbc_e43f, l1: 0xa281_3e53_df9d_018f, l2: 0xc6f0_caa5_3c65_e181, l3: 0x7525_cf52_8d50_fe95, l4: 0x4a85_ed50_f479_8a6b, l5: 0x171d_a0fd_6cf8_eebd),
        BLS12381Fp(l0: 0x3726_c30a_f242_c66c, l1: 0x7c2a_c1aa_d1b6_fe70, l2: 0xa040_07fb_ba4b_14a2, l3: 0xef51_7c32_6634_1429, l4: 0x0095_ba65_4ed2_226b, l5: 0x02e3_70ec_cc86_f7dd))
}

extension BLS12381G2Curve {
    /// 1/ξ^((p − 1)/3): the x factor of ψ.
    @usableFromInline static let psiX = BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0x890d_c9e4_8675_45c3, l1: 0x2af3_2253_3285_a5d5, l2: 0x5088_0866_309b_7e2c, l3: 0xa20d_1b8c_7e88_1024, l4: 0x14e4_f04f_e2db_9068, l5: 0x14e5_6d3f_1564_853a))
    /// 1/ξ^((p − 1)/2): the y factor of ψ.
    @usableFromInline static let psiY = BLS12381Fp2(
        BLS12381Fp(l0: 0x3e2f_585d_a55c_9ad1, l1: 0x4294_213d_86c1_8183, l2: 0x3828_44c8_8b62_3732, l3: 0x92ad_2afd_1910_3e18, l4: 0x1d79_4e4f_ac7c_f0b9, l5: 0x0bd5_92fc_7d82_5ec8),
        BLS12381Fp(l0: 0x7bcf_a7a2_5aa3_0fda, l1: 0xdc17_dec1_2a92_7e7c, l2: 0x2f08_8dd8_6b4e_bef1, l3: 0xd1ca_2087_da74_d4a7, l4: 0x2da2_5966_96ce_bc1d, l5: 0x0e2b_7eed_bbfd_87d2))
}
extension BLS12381G1Curve {
    /// β, the cube root of unity in F_p with σ(x, y) = (βx, y) acting as [−x²] on G1.
    @usableFromInline static let beta = BLS12381Fp(l0: 0x30f1_361b_798a_64e8, l1: 0xf3b8_ddab_7ece_5a2a, l2: 0x16a8_ca3a_c615_77f7, l3: 0xc26a_2ff8_74fd_029b, l4: 0x3636_b766_6070_1c6e, l5: 0x051b_a4ab_241b_6160)
    /// The 11-isogenous curve E1': y² = x³ + A'x + B' (RFC 9380 §8.8.1) and Z = 11.
    @usableFromInline static let isoA = BLS12381Fp(l0: 0x2f65_aa0e_9af5_aa51, l1: 0x8646_4c2d_1e84_16c3, l2: 0xb85c_e591_b7bd_31e2, l3: 0x27e1_1c91_b5f2_4e7c, l4: 0x2837_6eda_6bfc_1835, l5: 0x1554_55c3_e507_1d85)
    @usableFromInline static let isoB = BLS12381Fp(l0: 0xfb99_6971_fe22_a1e0, l1: 0x9aa9_3eb3_5b74_2d6f, l2: 0x8c47_6013_de99_c5c4, l3: 0x873e_27c3_a221_e571, l4: 0xca72_b5e4_5a52_d888, l5: 0x0682_4061_418a_386b)
    @usableFromInline static let isoZ = BLS12381Fp(l0: 0x886c_0000_0023_ffdc, l1: 0x0f70_008d_3090_001d, l2: 0x7767_2417_ed58_28c3, l3: 0x9dac_23e9_43dc_1740, l4: 0x5055_3f1b_9c13_1521, l5: 0x078c_712f_be0a_b6e8)
    /// The 11-isogeny map's xNum coefficients, lowest degree first (RFC 9380 Appendix E.2).
    static let isoXNum: [BLS12381Fp] = [
        BLS12381Fp(l0: 0x4d18_b6f3_af00_131c, l1: 0x19fa_2197_93fe_e28c, l2: 0x3f28_85f1_467f_19ae, l3: 0x23dc_ea34_f2ff_b304, l4: 0xd15b_58d2_ffc0_0054, l5: 0x0913_be20_0a20_bef4),
        BLS12381Fp(l0: 0x8989_8538_5cdb_bd8b, l1: 0x3c79_e43c_c7d9_66aa, l2: 0x1597_e193_f4cd_233a, l3: 0x8637_ef1e_4d66_23ad, l4: 0x11b2_2dee_d20d_827b, l5: 0x0709_7bc5_9987_84ad),
        BLS12381Fp(l0: 0xa542_583a_480b_664b, l1: 0xfc71_69c0_26e5_68c6, l2: 0x5ba2_ef31_4ed8_b5a6, l3: 0x5b54_91c0_5102_f0e7, l4: 0xdf6e_9970_7d2a_0079, l5: 0x0784_151e_d760_5524),
        BLS12381Fp(l0: 0x494e_2128_70f7_2741, l1: 0xab9b_e52f_bda4_3021, l2: 0x26f5_5779_94e3_4c3d, l3: 0x049d_fee8_2aef_bd60, l4: 0x65da_dd78_2850_5289, l5: 0x0e93_d431_ea01_1aeb),
        BLS12381Fp(l0: 0x90ee_774b_d6a7_4d45, l1: 0x7ada_1c8a_41bf_b185, l2: 0x0f1a_8953_b325_f464, l3: 0x104c_2421_1be4_805c, l4: 0x1691_39d3_19ea_7a8f, l5: 0x09f2_0ead_8e53_2bf6),
        BLS12381Fp(l0: 0x6ddd_93e2_f436_26b7, l1: 0xa548_2c9a_a1cc_d7bd, l2: 0x1432_4563_1883_f4bd, l3: 0x2e0a_94cc_f77e_c0db, l4: 0xb028_2d48_0e56_489f, l5: 0x18f4_bfcb_b436_8929),
        BLS12381Fp(l0: 0x23c5_f0c9_5340_2dfd, l1: 0x7a43_ff69_58ce_4fe9, l2: 0x2c39_0d3d_2da5_df63, l3: 0xd0df_5c98_e1f9_d70f, l4: 0xffd8_9869_a572_b297, l5: 0x1277_ffc7_2f25_e8fe),
        BLS12381Fp(l0: 0x79f4_f049_0f06_a8a6, l1: 0x85f8_94a8_8030_fd81, l2: 0x12da_3054_b18b_6410, l3: 0xe2a5_7f65_0588_0d65, l4: 0xbba0_74f2_60e4_00f1, l5: 0x08b7_6279_f621_d028),
        BLS12381Fp(l0: 0xe672_45ba_78d5_b00b, l1: 0x8456_ba9a_1f18_6475, l2: 0x7888_bff6_e6b3_3bb4, l3: 0xe215_85b9_a30f_86cb, l4: 0x05a6_9cdc_ef55_feee, l5: 0x09e6_99dd_9adf_a5ac),
        BLS12381Fp(l0: 0x0de5_c357_bff5_7107, l1: 0x0a0d_b4ae_6b1a_10b2, l2: 0xe256_bb67_b3b3_cd8d, l3: 0x8ad4_5657_4e9d_b24f, l4: 0x0443_915f_50fd_4179, l5: 0x098c_4bf7_de8b_6375),
        BLS12381Fp(l0: 0xe6b0_617e_7dd9_29c7, l1: 0xfe6e_37d4_4253_7375, l2: 0x1daf_deda_137a_489e, l3: 0xe4ef_d1ad_3f76_7ceb, l4: 0x4a51_d866_7f0f_e1cf, l5: 0x054f_df4b_bf1d_821c),
        BLS12381Fp(l0: 0x72db_2a50_658d_767b, l1: 0x8abf_91fa_a257_b3d5, l2: 0xe969_d683_3764_ab47, l3: 0x4641_7014_2a10_09eb, l4: 0xb14f_01aa_db30_be2f, l5: 0x18ae_6a85_6f40_715d),
    ]
    /// The 11-isogeny map's xDen coefficients, lowest degree first (RFC 9380 Appendix E.2).
    static let isoXDen: [BLS12381Fp] = [
        BLS12381Fp(l0: 0xb962_a077_fdb0_f945, l1: 0xa6a9_740f_efda_13a0, l2: 0xc14d_568c_3ed6_c544, l3: 0xb43f_c37b_908b_133e, l4: 0x9c0b_3ac9_2959_9016, l5: 0x0165_aa6c_93ad_115f),
        BLS12381Fp(l0: 0x2327_9a3b_a506_c1d9, l1: 0x92cf_ca0a_9465_176a, l2: 0x3b29_4ab1_3755_f0ff, l3: 0x116d_da1c_5070_ae93, l4: 0xed45_3092_4cec_2045, l5: 0x0833_83d6_ed81_f1ce),
        BLS12381Fp(l0: 0x9885_c2a6_449f_ecfc, l1: 0x4a2b_54cc_d377_33f0, l2: 0x17da_9ffd_8738_c142, l3: 0xa0fb_a727_32b3_fafd, l4: 0xff36_4f36_e54b_6812, l5: 0x0f29_c13c_6605_23e2),
        BLS12381Fp(l0: 0xe349_cc11_8278_f041, l1: 0xd487_228f_2f32_04fb, l2: 0xc9d3_2584_9ade_5150, l3: 0x43a9_2bd6_9c15_c2df, l4: 0x1c2c_7844_bc41_7be4, l5: 0x1202_5184_f407_440c),
        BLS12381Fp(l0: 0x587f_65ae_6acb_057b, l1: 0x1444_ef32_5140_201f, l2: 0xfbf9_95e7_1270_da49, l3: 0xccda_0660_7243_6a42, l4: 0x7408_904f_0f18_6bb2, l5: 0x13b9_3c63_edf6_c015),
        BLS12381Fp(l0: 0xfb91_8622_cd14_1920, l1: 0x4a4c_6442_3eca_ddb4, l2: 0x0beb_2329_27f7_fb26, l3: 0x30f9_4df6_f83a_3dc2, l4: 0xaeed_d424_d780_f388, l5: 0x06cc_402d_d594_bbeb),
        BLS12381Fp(l0: 0xd41f_7611_51b2_3f8f, l1: 0x32a9_2465_4357_19b3, l2: 0x64f4_36e8_88c6_2cb9, l3: 0xdf70_a9a1_f757_c6e4, l4: 0x6933_a38d_5b59_4c81, l5: 0x0c6f_7f72_37b4_6606),
        BLS12381Fp(l0: 0x693c_0874_7876_c8f7, l1: 0x22c9_850b_f9cf_80f0, l2: 0x8e90_71da_b950_c124, l3: 0x89bc_62d6_1c7b_af23, l4: 0xbc6b_e2d8_dad5_7c23, l5: 0x1791_6987_aa14_a122),
        BLS12381Fp(l0: 0x1be3_ff43_9c13_16fd, l1: 0x9965_243a_7571_dfa7, l2: 0xc7f7_f629_62f5_cd81, l3: 0x32c6_aa9a_f394_361c, l4: 0xbbc2_ee18_e1c2_27f4, l5: 0x0c10_2cba_c531_bb34),
        BLS12381Fp(l0: 0x9976_14c9_7bac_bf07, l1: 0x61f8_6372_b991_92c0, l2: 0x5b8c_95fc_1435_3fc3, l3: 0xca2b_066c_2a87_492f, l4: 0x1617_8f5b_bf69_8711, l5: 0x12a6_dcd7_f0f4_e0e8),
        BLS12381Fp(l0: 0x7609_0000_0002_fffd, l1: 0xebf4_000b_c40c_0002, l2: 0x5f48_9857_53c7_58ba, l3: 0x77ce_5853_7052_5745, l4: 0x5c07_1a97_a256_ec6d, l5: 0x15f6_5ec3_fa80_e493),
    ]
    /// The 11-isogeny map's yNum coefficients, lowest degree first (RFC 9380 Appendix E.2).
    static let isoYNum: [BLS12381Fp] = [
        BLS12381Fp(l0: 0x2b56_7ff3_e283_7267, l1: 0x1d4d_9e57_b958_a767, l2: 0xce02_8fea_04bd_7373, l3: 0xcc31_a30a_0b6c_d3df, l4: 0x7d7b_18a6_8269_2693, l5: 0x0d30_0744_d42a_0310),
        BLS12381Fp(l0: 0x99c2_555f_a542_493f, l1: 0xfe7f_53cc_4874_f878, l2: 0x5df0_608b_8f97_608a, l3: 0x14e0_3832_052b_49c8, l4: 0x7063_26a6_957d_d5a4, l5: 0x0a8d_add9_c241_4555),
        BLS12381Fp(l0: 0x13d9_4292_2a5c_f63a, l1: 0x357e_33e3_6e26_1e7d, l2: 0xcf05_a27c_8456_088d, l3: 0x0000_bd1d_e7ba_50f0, l4: 0x83d0_c753_2f8c_1fde, l5: 0x13f7_0bf3_8bbf_2905),
        BLS12381Fp(l0: 0x5c57_fd95_bfaf_bdbb, l1: 0x28a3_59a6_5e54_1707, l2: 0x3983_ceb4_f636_0b6d, l3: 0xafe1_9ff6_f97e_6d53, l4: 0xb346_8f45_5019_2bf7, l5: 0x0bb6_cde4_9d8b_a257),
        BLS12381Fp(l0: 0x590b_62c7_ff8a_513f, l1: 0x314b_4ce3_72ca_cefd, l2: 0x6bef_32ce_94b8_a800, l3: 0x6ddf_84a0_9571_3d5f, l4: 0x64ea_ce4c_b098_2191, l5: 0x0386_213c_651b_888d),
        BLS12381Fp(l0: 0xa531_0a31_111b_bcdd, l1: 0xa14a_c0f5_da14_8982, l2: 0xf9ad_9cc9_5423_d2e9, l3: 0xaa6e_c095_283e_e4a7, l4: 0xcf5b_1f02_2e1c_9107, l5: 0x01fd_df5a_ed88_1793),
        BLS12381Fp(l0: 0x65a5_72b0_d7a7_d950, l1: 0xe25c_2d81_8347_3a19, l2: 0xc2fc_ebe7_cb87_7dbd, l3: 0x05b2_d36c_769a_89b0, l4: 0xba12_961b_e86e_9efb, l5: 0x07eb_1b29_c1df_de1f),
        BLS12381Fp(l0: 0x93e0_9572_f7c4_cd24, l1: 0x364e_9290_7679_5091, l2: 0x8569_467e_68af_51b5, l3: 0xa47d_a894_39f5_340f, l4: 0xf4fa_9180_82e4_4d64, l5: 0x0ad5_2ba3_e669_5a79),
        BLS12381Fp(l0: 0x9114_2984_4e0d_5f54, l1: 0xd03f_51a3_516b_b233, l2: 0x3d58_7e56_4053_6e66, l3: 0xfa86_d2a3_a9a7_3482, l4: 0xa90e_d5ad_f1ed_5537, l5: 0x149c_9c32_6a5e_7393),
        BLS12381Fp(l0: 0x462b_beb0_3c12_921a, l1: 0xdc9a_f5fa_0a27_4a17, l2: 0x9a55_8ebd_e836_ebed, l3: 0x649e_f8f1_1a4f_ae46, l4: 0x8100_e165_2b3c_dc62, l5: 0x1862_bd62_c291_dacb),
        BLS12381Fp(l0: 0x05c9_b8ca_89f1_2c26, l1: 0x0194_160f_a9b9_ac4f, l2: 0x6a64_3d5a_6879_fa2c, l3: 0x1466_5bdd_8846_e19d, l4: 0xbb1d_0d53_af3f_f6bf, l5: 0x12c7_e1c3_b289_62e5),
        BLS12381Fp(l0: 0xb55e_bf90_0b8a_3e17, l1: 0xfedc_77ec_1a92_01c4, l2: 0x1f07_db10_ea1a_4df4, l3: 0x0dfb_d15d_c41a_594d, l4: 0x3895_47f2_334a_5391, l5: 0x0241_9f98_1658_71a4),
        BLS12381Fp(l0: 0xb416_af00_0745_fc20, l1: 0x8e56_3e9d_1ea6_d0f5, l2: 0x7c76_3e17_763a_0652, l3: 0x0145_8ef0_159e_bbef, l4: 0x8346_fe42_1f96_bb13, l5: 0x0d2d_7b82_9ce3_24d2),
        BLS12381Fp(l0: 0x9309_6bb5_38d6_4615, l1: 0x6f2a_2619_951d_823a, l2: 0x8f66_b3ea_5951_4fa4, l3: 0xf563_e637_04f7_092f, l4: 0x724b_136c_4cf2_d9fa, l5: 0x0469_59cf_cfd0_bf49),
        BLS12381Fp(l0: 0xea74_8d4b_6e40_5346, l1: 0x91e9_079c_2c02_d58f, l2: 0x4106_4965_946d_9b59, l3: 0xa067_31f1_d2bb_e1ee, l4: 0x07f8_97e2_67a3_3f1b, l5: 0x1017_2909_1921_0e5f),
        BLS12381Fp(l0: 0x872a_a6c1_7d98_5097, l1: 0xeecc_5316_1264_562a, l2: 0x07af_e37a_fff5_5002, l3: 0x5475_9078_e5be_6838, l4: 0xc4b9_2d15_db8a_cca8, l5: 0x106d_87d1_b51d_13b9),
    ]
    /// The 11-isogeny map's yDen coefficients, lowest degree first (RFC 9380 Appendix E.2).
    static let isoYDen: [BLS12381Fp] = [
        BLS12381Fp(l0: 0xeb6c_359d_47e5_2b1c, l1: 0x18ef_5f8a_1063_4d60, l2: 0xddfa_71a0_889d_5b7e, l3: 0x723e_71dc_c5fc_1323, l4: 0x52f4_5700_b70d_5c69, l5: 0x0a8b_981e_e476_91f1),
        BLS12381Fp(l0: 0x616a_3c4f_5535_b9fb, l1: 0x6f5f_0373_95db_d911, l2: 0xf25f_4cc5_e35c_65da, l3: 0x3e50_dffe_a3c6_2658, l4: 0x6a33_dca5_2356_0776, l5: 0x0fad_eff7_7b6b_fe3e),
        BLS12381Fp(l0: 0x2be9_b66d_f470_059c, l1: 0x24a2_c159_a3d3_6742, l2: 0x115d_be7a_d10c_2a37, l3: 0xb663_4a65_2ee5_884d, l4: 0x04fe_8bb2_b8d8_1af4, l5: 0x01c2_a7a2_56fe_9c41),
        BLS12381Fp(l0: 0xf27b_f8ef_3b75_a386, l1: 0x898b_3674_76c9_073f, l2: 0x2448_2e6b_8c2f_4e5f, l3: 0xc8e0_bbd6_fe11_0806, l4: 0x59b0_c17f_7631_448a, l5: 0x1103_7cd5_8b3d_bfbd),
        BLS12381Fp(l0: 0x31c7_912e_a267_eec6, l1: 0x1dbf_6f1c_5fcd_b700, l2: 0xd30d_4fe3_ba86_fdb1, l3: 0x3cae_528f_bee9_a2a4, l4: 0xb1cc_e69b_6aa9_ad9a, l5: 0x0443_93bb_632d_94fb),
        BLS12381Fp(l0: 0xc66e_f6ef_eeb5_c7e8, l1: 0x9824_c289_dd72_bb55, l2: 0x71b1_a4d2_f119_981d, l3: 0x104f_c1aa_fb09_19cc, l4: 0x0e49_df01_d942_a628, l5: 0x096c_3a09_7732_72d4),
        BLS12381Fp(l0: 0x9abc_11eb_5fad_eff4, l1: 0x32dc_a50a_8857_28f0, l2: 0xfb1f_a372_1569_734c, l3: 0xc4b7_6271_ea65_06b3, l4: 0xd466_a755_99ce_728e, l5: 0x0c81_d464_5f4c_b6ed),
        BLS12381Fp(l0: 0x4199_f10e_5b8b_e45b, l1: 0xda64_e495_b1e8_7930, l2: 0xcb35_3efe_9b33_e4ff, l3: 0x9e9e_fb24_aa64_24c6, l4: 0xf08d_3368_0a23_7465, l5: 0x0d33_7802_3e4c_7406),
        BLS12381Fp(l0: 0x7eb4_ae92_ec74_d3a5, l1: 0xc341_b4aa_9fac_3497, l2: 0x5be6_0389_9e90_7687, l3: 0x03bf_d9cc_a75c_bdeb, l4: 0x564c_2935_a96b_fa93, l5: 0x0ef3_c333_71e2_fdb5),
        BLS12381Fp(l0: 0x7ee9_1fd4_49f6_ac2e, l1: 0xe5d5_bd5c_b935_7a30, l2: 0x773a_8ca5_196b_1380, l3: 0xd0fd_a172_174e_d023, l4: 0x6cb9_5e0f_a776_aead, l5: 0x0d22_d5a4_0cec_7cff),
        BLS12381Fp(l0: 0xf727_e092_85fd_8519, l1: 0xdc9d_55a8_3017_897b, l2: 0x7549_d8bd_0578_94ae, l3: 0x1784_1961_3d90_d8f8, l4: 0xfce9_5ebd_eb5b_490a, l5: 0x0467_ffae_f23f_c49e),
        BLS12381Fp(l0: 0xc176_9e6a_7c38_5f1b, l1: 0x79bc_930d_eac0_1c03, l2: 0x5461_c75a_23ed_e3b5, l3: 0x6e20_829e_5c23_0c45, l4: 0x828e_0f1e_772a_53cd, l5: 0x116a_efa7_4912_7bff),
        BLS12381Fp(l0: 0x101c_10bf_2744_c10a, l1: 0xbbf1_8d05_3a6a_3154, l2: 0xa0ec_f39e_f026_f602, l3: 0xfc00_9d49_96dc_5153, l4: 0xb900_0209_d5bd_08d3, l5: 0x189e_5fe4_470c_d73c),
        BLS12381Fp(l0: 0x7ebd_546c_a157_5ed2, l1: 0xe47d_5a98_1d08_1b55, l2: 0x57b2_b625_b6d4_ca21, l3: 0xb0a1_ba04_2285_20cc, l4: 0x9873_8983_c210_7ff3, l5: 0x13dd_dbc4_799d_81d6),
        BLS12381Fp(l0: 0x0931_9f2e_3983_4935, l1: 0x039e_952c_bdb0_5c21, l2: 0x55ba_77a9_a2f7_6493, l3: 0xfd04_e3df_c608_6467, l4: 0xfb95_832e_7d78_742e, l5: 0x0ef9_c24e_ccaf_5e0e),
        BLS12381Fp(l0: 0x7609_0000_0002_fffd, l1: 0xebf4_000b_c40c_0002, l2: 0x5f48_9857_53c7_58ba, l3: 0x77ce_5853_7052_5745, l4: 0x5c07_1a97_a256_ec6d, l5: 0x15f6_5ec3_fa80_e493),
    ]
}

extension BLS12381G2Curve {
    /// The 3-isogenous curve E2': y² = x³ + A'x + B', A' = 240u, B' = 1012(1 + u), Z = −(2 + u) (RFC 9380 §8.8.2).
    @usableFromInline static let isoA = BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0xe53a_0000_0313_5242, l1: 0x0108_0c0f_def8_0285, l2: 0xe788_9edb_e340_f6bd, l3: 0x0b51_3751_2631_0601, l4: 0x02d6_9857_17c7_44ab, l5: 0x1220_b4e9_79ea_5467))
    @usableFromInline static let isoB = BLS12381Fp2(
        BLS12381Fp(l0: 0x22ea_0000_0cf8_9db2, l1: 0x6ec8_32df_7138_0aa4, l2: 0x6e1b_9440_3db5_a66e, l3: 0x75bf_3c53_a794_73ba, l4: 0x3dd3_a569_412c_0a34, l5: 0x125c_db5e_74dc_4fd1),
        BLS12381Fp(l0: 0x22ea_0000_0cf8_9db2, l1: 0x6ec8_32df_7138_0aa4, l2: 0x6e1b_9440_3db5_a66e, l3: 0x75bf_3c53_a794_73ba, l4: 0x3dd3_a569_412c_0a34, l5: 0x125c_db5e_74dc_4fd1))
    @usableFromInline static let isoZ = BLS12381Fp2(
        BLS12381Fp(l0: 0x87eb_ffff_fff9_555c, l1: 0x656f_ffe5_da8f_fffa, l2: 0x0fd0_7493_45d3_3ad2, l3: 0xd951_e663_0665_76f4, l4: 0xde29_1a3d_41e9_80d3, l5: 0x0815_664c_7dfe_040d),
        BLS12381Fp(l0: 0x43f5_ffff_fffc_aaae, l1: 0x32b7_fff2_ed47_fffd, l2: 0x07e8_3a49_a2e9_9d69, l3: 0xeca8_f331_8332_bb7a, l4: 0xef14_8d1e_a0f4_c069, l5: 0x040a_b326_3eff_0206))
    /// The 3-isogeny map's xNum coefficients, lowest degree first (RFC 9380 Appendix E.3).
    static let isoXNum: [BLS12381Fp2] = [
        BLS12381Fp2(
        BLS12381Fp(l0: 0x47f6_71c7_1ce0_5e62, l1: 0x06dd_5707_1206_393e, l2: 0x7c80_cd2a_f3fd_71a2, l3: 0x0481_03ea_9e6c_d062, l4: 0xc545_16ac_c8d0_37f6, l5: 0x1380_8f55_0920_ea41),
        BLS12381Fp(l0: 0x47f6_71c7_1ce0_5e62, l1: 0x06dd_5707_1206_393e, l2: 0x7c80_cd2a_f3fd_71a2, l3: 0x0481_03ea_9e6c_d062, l4: 0xc545_16ac_c8d0_37f6, l5: 0x1380_8f55_0920_ea41)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0x5fe5_5555_554c_71d0, l1: 0x873f_ffdd_236a_aaa3, l2: 0x6a6b_4619_b26e_f918, l3: 0x21c2_8884_0887_4945, l4: 0x2836_cda7_028c_abc5, l5: 0x0ac7_3310_a7fd_5abd)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0a0c_5555_5559_71c3, l1: 0xdb0c_0010_1f9e_aaae, l2: 0xb1fb_2f94_1d79_7997, l3: 0xd396_0742_ef41_6e1c, l4: 0xb700_40e2_c205_56f4, l5: 0x149d_7861_e581_393b),
        BLS12381Fp(l0: 0xaff2_aaaa_aaa6_38e8, l1: 0x439f_ffee_91b5_5551, l2: 0xb535_a30c_d937_7c8c, l3: 0x90e1_4442_0443_a4a2, l4: 0x941b_66d3_8146_55e2, l5: 0x0563_9988_53fe_ad5e)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x40aa_c71c_71c7_25ed, l1: 0x1909_5555_7a84_e38e, l2: 0xd817_050a_8f41_abc3, l3: 0xd864_85d4_c87f_6fb1, l4: 0x696e_b479_f885_d059, l5: 0x198e_1a74_3280_02d2),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000)),
    ]
    /// The 3-isogeny map's xDen coefficients, lowest degree first (RFC 9380 Appendix E.3).
    static let isoXDen: [BLS12381Fp2] = [
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0x1f3a_ffff_ff13_ab97, l1: 0xf25b_fc61_1da3_ff3e, l2: 0xca37_57cb_3819_b208, l3: 0x3e64_2736_6f8c_ec18, l4: 0x0397_7bc8_6095_b089, l5: 0x04f6_9db1_3f39_a952)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x4476_0000_0027_552e, l1: 0xdcb8_009a_4348_0020, l2: 0x6f7e_e9ce_4a6e_8b59, l3: 0xb103_30b7_c0a9_5bc6, l4: 0x6140_b1fc_fb1e_54b7, l5: 0x0381_be09_7f0b_b4e1),
        BLS12381Fp(l0: 0x7588_ffff_ffd8_557d, l1: 0x41f3_ff64_6e0b_ffdf, l2: 0xf7b1_e8d2_ac42_6aca, l3: 0xb374_1acd_32db_b6f8, l4: 0xe9da_f5b9_482d_581f, l5: 0x167f_53e0_ba74_31b8)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x7609_0000_0002_fffd, l1: 0xebf4_000b_c40c_0002, l2: 0x5f48_9857_53c7_58ba, l3: 0x77ce_5853_7052_5745, l4: 0x5c07_1a97_a256_ec6d, l5: 0x15f6_5ec3_fa80_e493),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000)),
    ]
    /// The 3-isogeny map's yNum coefficients, lowest degree first (RFC 9380 Appendix E.3).
    static let isoYNum: [BLS12381Fp2] = [
        BLS12381Fp2(
        BLS12381Fp(l0: 0x96d8_f684_bdfc_77be, l1: 0xb530_e4f4_3b66_d0e2, l2: 0x184a_88ff_3796_52fd, l3: 0x57cb_23ec_fae8_04e1, l4: 0x0fd2_e39e_ada3_eba9, l5: 0x08c8_055e_31c5_d5c3),
        BLS12381Fp(l0: 0x96d8_f684_bdfc_77be, l1: 0xb530_e4f4_3b66_d0e2, l2: 0x184a_88ff_3796_52fd, l3: 0x57cb_23ec_fae8_04e1, l4: 0x0fd2_e39e_ada3_eba9, l5: 0x08c8_055e_31c5_d5c3)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0xbf0a_71c7_1c91_b406, l1: 0x4d6d_55d2_8b76_38fd, l2: 0x9d82_f98e_5f20_5aee, l3: 0xa27a_a27b_1d1a_18d5, l4: 0x02c3_b2b2_d293_8e86, l5: 0x0c7d_1342_0b09_807f)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0xd7f9_5555_5553_1c74, l1: 0x21cf_fff7_48da_aaa8, l2: 0x5a9a_d186_6c9b_be46, l3: 0x4870_a221_0221_d251, l4: 0x4a0d_b369_c0a3_2af1, l5: 0x02b1_ccc4_29ff_56af),
        BLS12381Fp(l0: 0xe205_aaaa_aaac_8e37, l1: 0xfcdc_0007_6879_5556, l2: 0x0c96_011a_8a15_37dd, l3: 0x1c06_a963_f163_406e, l4: 0x010d_f44c_82a8_81e6, l5: 0x174f_4526_0f80_8feb)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0xa470_bda1_2f67_f35c, l1: 0xc0fe_38e2_3327_b425, l2: 0xc9d3_d0f2_c6f0_678d, l3: 0x1c55_c993_5b5a_982e, l4: 0x27f6_c0e2_f074_6764, l5: 0x117c_5e6e_28aa_9054),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000)),
    ]
    /// The 3-isogeny map's yDen coefficients, lowest degree first (RFC 9380 Appendix E.3).
    static let isoYDen: [BLS12381Fp2] = [
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0162_ffff_fa76_5adf, l1: 0x8f7b_ea48_0083_fb75, l2: 0x561b_3c22_59e9_3611, l3: 0x11e1_9fc1_a9c8_75d5, l4: 0xca71_3efc_0036_7660, l5: 0x03c6_a03d_41da_1151),
        BLS12381Fp(l0: 0x0162_ffff_fa76_5adf, l1: 0x8f7b_ea48_0083_fb75, l2: 0x561b_3c22_59e9_3611, l3: 0x11e1_9fc1_a9c8_75d5, l4: 0xca71_3efc_0036_7660, l5: 0x03c6_a03d_41da_1151)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000),
        BLS12381Fp(l0: 0x5db0_ffff_fd3b_02c5, l1: 0xd713_f523_58eb_fdba, l2: 0x5ea6_0761_a84d_161a, l3: 0xbb2c_75a3_4ea6_c44a, l4: 0x0ac6_7359_21c1_119b, l5: 0x0ee3_d913_bdac_fbf6)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x66b1_0000_003a_ffc5, l1: 0xcb14_00e7_64ec_0030, l2: 0xa73e_5eb5_6fa5_d106, l3: 0x8984_c913_a0fe_09a9, l4: 0x11e1_0afb_78ad_7f13, l5: 0x0542_9d0e_3e91_8f52),
        BLS12381Fp(l0: 0x534d_ffff_ffc4_aae6, l1: 0x5397_ff17_4c67_ffcf, l2: 0xbff2_73eb_870b_251d, l3: 0xdaf2_8271_5287_0915, l4: 0x393a_9cba_ca9e_2dc3, l5: 0x14be_74db_faee_5748)),
        BLS12381Fp2(
        BLS12381Fp(l0: 0x7609_0000_0002_fffd, l1: 0xebf4_000b_c40c_0002, l2: 0x5f48_9857_53c7_58ba, l3: 0x77ce_5853_7052_5745, l4: 0x5c07_1a97_a256_ec6d, l5: 0x15f6_5ec3_fa80_e493),
        BLS12381Fp(l0: 0x0000_0000_0000_0000, l1: 0x0000_0000_0000_0000, l2: 0x0000_0000_0000_0000, l3: 0x0000_0000_0000_0000, l4: 0x0000_0000_0000_0000, l5: 0x0000_0000_0000_0000)),
    ]
}
