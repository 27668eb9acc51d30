"""Where each family comes from, for model cards and the tabs' explanations."""
PAPERS = {
    "dcgan": "Radford et al. 2016, arXiv:1511.06434",
    "infogan": "Chen et al. 2016, arXiv:1606.03657",
    "spade": "Park et al. 2019, arXiv:1903.07291",
    "stylegan": "Karras et al. 2019/2020, arXiv:1812.04948, arXiv:1912.04958",
    "cyclegan": "Zhu et al. 2017, arXiv:1703.10593",
}
