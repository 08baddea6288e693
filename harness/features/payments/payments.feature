@happy_path
Feature: Payments sync both ways
  A payment applied in Caspen syncs to QuickBooks. A single payment recorded in QuickBooks against a Caspen
  invoice comes back and updates its balance; split payments made in QuickBooks do not.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: A payment applied in Caspen syncs to QuickBooks
    Given a finalized invoice for "Jo Citizen" of $200.00 with GST
    When I apply a payment of $120.00 to the invoice
    Then the QuickBooks status card shows "Synced"
    And in QuickBooks the invoice balance is $100.00

  @needs:import_payments
  Scenario: A single payment recorded in QuickBooks comes back to Caspen
    Given a finalized invoice for "Jo Citizen" of $200.00 with GST
    When in QuickBooks a payment of $220.00 is recorded against the invoice
    And Caspen imports payments from QuickBooks
    Then the invoice balance in Caspen is $0.00

  @needs:import_payments
  Scenario: A split payment recorded in QuickBooks is not imported
    Given a finalized invoice for "Jo Citizen" of $100.00 with GST
    And another finalized invoice for "Jo Citizen" of $50.00 with GST
    When in QuickBooks one payment of $165.00 is recorded against both invoices
    And Caspen imports payments from QuickBooks
    Then the invoice balance in Caspen is $110.00
