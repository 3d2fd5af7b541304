"""QuickBooks Web Connector emulator (python3-zeep) for Settlebridge's tests. See tools/README.md.

    from qbwc_emulator.session import Session, FaultPlan
    code = Session(url=..., user=..., password=..., company_state="company.json", wsdl="wsdl/qbwc.wsdl").run()
"""
